import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelManifestSchema } from '../../src/shared/modelManifest';
import { servedSizes } from '../../models/export/artifacts';
import { sha256 } from '../../models/hashing';
import { ARTIFACTS_DIR } from '../../models/paths';
import { modelFileObjects } from '../../models/publish/modelFiles';

describe('committed model artifacts', () => {
  it('manifest.json matches the schema, and every file its sha256 and size', async () => {
    const manifest = modelManifestSchema.parse(JSON.parse(await readFile(join(ARTIFACTS_DIR, 'manifest.json'), 'utf8')));
    const entries = Object.values(manifest.models);
    const paths = new Map((await modelFileObjects()).map((o) => [o.file, o.path]));
    for (const entry of entries) {
      expect(entry.file).not.toContain('/');
      const bytes = await readFile(paths.get(entry.file)!);
      expect({ file: entry.file, sha256: sha256(bytes), bytes: bytes.byteLength }).toEqual({ file: entry.file, sha256: entry.sha256, bytes: entry.bytes });
    }
  });

  it('stays within the 20 MB budget of served files', async () => {
    const manifest = modelManifestSchema.parse(JSON.parse(await readFile(join(ARTIFACTS_DIR, 'manifest.json'), 'utf8')));
    expect(servedSizes(manifest).total).toBeLessThan(20e6);
  });

  it('carries the test-split evaluation of all three heads', async () => {
    const manifest = modelManifestSchema.parse(JSON.parse(await readFile(join(ARTIFACTS_DIR, 'manifest.json'), 'utf8')));
    for (const head of ['fusion', 'text', 'image']) expect(manifest.evaluation?.[head]).toHaveProperty('balancedAccuracy');
  });
});
