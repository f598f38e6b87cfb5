import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { ARTIFACTS_DIR } from '../../models/modelFiles';
import { BUCKET, publish, wrangler } from '../../models/publish';

// The node project's global setup has already run `models/publish.ts --persist-to <state> --if-stale`.
describe('models:publish', () => {
  const persistTo = inject('wranglerState');

  it('put manifest.json into the local bucket of the given state dir', async () => {
    const stdout = await wrangler(['r2', 'object', 'get', `${BUCKET}/manifest.json`, '--local', '--persist-to', persistTo, '--pipe']);
    expect(stdout).toBe(await readFile(join(ARTIFACTS_DIR, 'manifest.json'), 'utf8'));
  });

  it('--if-stale does nothing when that manifest is already published', async () => {
    const result = await publish({ persistTo, ifStale: true, log: () => {} });
    expect(result).toMatchObject({ skipped: true, uploaded: [] });
  });
});
