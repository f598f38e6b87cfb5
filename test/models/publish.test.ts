import { mkdtemp, readFile } from 'node:fs/promises';
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

  it('--if-stale does nothing when that manifest is already published', async () => {
    const result = await publish({ persistTo, ifStale: true, log: () => {} });
    expect(result).toMatchObject({ skipped: true, uploaded: [] });
  });
});
