import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { readManifest } from '../../models/export/artifacts';
import { ARTIFACTS_DIR } from '../../models/paths';
import { modelObjects } from '../../models/publish/modelFiles';
import { BUCKET, publish, wrangler } from '../../models/publish/publish';

// The node project's global setup has already run `models/cli/publish.ts --persist-to <state> --if-stale`.
describe('models:publish', () => {
  const persistTo = inject('wranglerState');

  it('put manifest.json into the local bucket of the given state dir', async () => {
    const stdout = await wrangler(['r2', 'object', 'get', `${BUCKET}/manifest.json`, '--local', '--persist-to', persistTo, '--pipe']);
    expect(stdout).toBe(await readFile(join(ARTIFACTS_DIR, 'manifest.json'), 'utf8'));
  });

  it('puts each model file under its own sha256 and manifest.json last, so another version never overwrites a served file', async () => {
    const manifest = await readManifest(ARTIFACTS_DIR);
    const keys = (await modelObjects()).map((o) => o.key);
    const entries = Object.values(manifest.models);
    expect(entries.map((e) => keys.includes(`files/${e.sha256}/${e.file}`))).toEqual(entries.map(() => true));
    expect(keys.at(-1)).toBe('manifest.json');
    const head = manifest.models.imageHead;
    const copy = join(await mkdtemp(join(tmpdir(), 'genre-publish-')), head.file);
    await wrangler(['r2', 'object', 'get', `${BUCKET}/files/${head.sha256}/${head.file}`, '--local', '--persist-to', persistTo, '--file', copy]);
    expect(await readFile(copy)).toEqual(await readFile(join(ARTIFACTS_DIR, head.file)));
  });

  it('--if-stale does nothing when every object in the bucket matches its file', async () => {
    const result = await publish({ persistTo, ifStale: true, log: () => {} });
    expect(result).toMatchObject({ skipped: true, uploaded: [] });
  });

  it('--if-stale reads the objects themselves: it puts back a corrupt model and a deleted manifest.json, and nothing else', async () => {
    const state = await mkdtemp(join(tmpdir(), 'genre-publish-state-'));
    try {
      await cp(persistTo, state, { recursive: true });
      const local = ['--local', '--persist-to', state];
      const text = (await readManifest(ARTIFACTS_DIR)).models.textModel;
      const textKey = `files/${text.sha256}/${text.file}`;
      const original = await readFile(join(ARTIFACTS_DIR, text.file));
      // Same size, other bytes: only the sha256 tells them apart.
      const corrupt = join(state, 'corrupt.onnx');
      await writeFile(corrupt, original.map((b) => b ^ 0x5a));
      await wrangler(['r2', 'object', 'put', `${BUCKET}/${textKey}`, '--file', corrupt, ...local]);
      await wrangler(['r2', 'object', 'delete', `${BUCKET}/manifest.json`, ...local]);

      const lines: string[] = [];
      const result = await publish({ persistTo: state, ifStale: true, log: (line) => lines.push(line) });
      expect(result).toMatchObject({ skipped: false, uploaded: [textKey, 'manifest.json'] });
      expect(lines[0]).toBe(`2 of ${(await modelObjects()).length} objects missing or different in the local bucket ${BUCKET}: ${textKey}, manifest.json`);
      const copy = join(state, 'copy.onnx');
      await wrangler(['r2', 'object', 'get', `${BUCKET}/${textKey}`, ...local, '--file', copy]);
      expect((await readFile(copy)).equals(original)).toBe(true);
      expect(await wrangler(['r2', 'object', 'get', `${BUCKET}/manifest.json`, ...local, '--pipe'])).toBe(await readFile(join(ARTIFACTS_DIR, 'manifest.json'), 'utf8'));
      expect(await publish({ persistTo: state, ifStale: true, log: () => {} })).toMatchObject({ skipped: true });
    } finally {
      await rm(state, { recursive: true, force: true });
    }
  });
});
