import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { ARTIFACTS_DIR, modelObjects, readManifest } from '../../models/modelFiles';
import { sharedPaths } from '../../models/paths';
import { BUCKET, publish, wrangler } from '../../models/publish';

// The node project's global setup has already run `models/publish.ts --persist-to <state> --if-stale`.
describe('models:publish', () => {
  const persistTo = inject('wranglerState');

  it('put manifest.json into the local bucket of the given state dir', async () => {
    const stdout = await wrangler(['r2', 'object', 'get', `${BUCKET}/manifest.json`, '--local', '--persist-to', persistTo, '--pipe']);
    expect(stdout).toBe(await readFile(join(ARTIFACTS_DIR, 'manifest.json'), 'utf8'));
  });

  it('puts each model file under its own sha256 and manifest.json last, so another version never overwrites a served file', async () => {
    const manifest = await readManifest();
    const keys = (await modelObjects()).map((o) => o.key);
    const entries = [manifest.text.tokenizer, manifest.text.tokenizerConfig, ...Object.values(manifest.models)];
    expect(entries.map((e) => keys.includes(`files/${e.sha256}/${e.file}`))).toEqual(entries.map(() => true));
    expect(keys.at(-1)).toBe('manifest.json');
    const config = manifest.text.tokenizerConfig;
    const stored = await wrangler(['r2', 'object', 'get', `${BUCKET}/files/${config.sha256}/${config.file}`, '--local', '--persist-to', persistTo, '--pipe']);
    expect(stored).toBe(await readFile(join(sharedPaths().tokenizerDir, config.file), 'utf8'));
  });

  it('--if-stale does nothing when that manifest is already published', async () => {
    const result = await publish({ persistTo, ifStale: true, log: () => {} });
    expect(result).toMatchObject({ skipped: true, uploaded: [] });
  });
});
