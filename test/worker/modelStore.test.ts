import { describe, expect, inject, it } from 'vitest';
import { objectKey, type ModelManifest } from '../../src/shared/modelManifest';
import { call, errorOf, fromB64, postJson, putModels, testEnv } from './helpers';

// This file starts with an empty bucket; module state (the loaded models) is per test file.
describe('models from R2', () => {
  it('answers 503 with a clear message while the bucket is empty', async () => {
    const err = await errorOf(await postJson({ plot: 'A detective hunts a killer.' }));
    expect(err).toMatchObject({ status: 503, code: 'model_unavailable' });
    expect(err.message).toContain('manifest.json');
    expect(await errorOf(await call('/model'))).toMatchObject({ status: 503, code: 'model_unavailable' });
  });

  it('answers 503 when a file does not match its sha256, and names the file', async () => {
    await putModels({ 'text_model.onnx': new Uint8Array([1, 2, 3]) });
    const err = await errorOf(await postJson({ plot: 'A detective hunts a killer.' }));
    expect(err).toMatchObject({ status: 503, code: 'model_unavailable' });
    expect(err.message).toMatch(/text_model\.onnx.*does not match/);
  });

  it('answers 503 when manifest.json is not valid', async () => {
    await putModels({ 'manifest.json': '{"version": 1}' });
    expect(await errorOf(await postJson({ plot: 'A detective hunts a killer.' }))).toMatchObject({ status: 503, code: 'model_unavailable' });
  });

  it('retries on the next request once the models are fixed, and concurrent first requests share one load', async () => {
    await putModels();
    const before = ((await (await call('/health')).json()) as { models: { loads: number } }).models.loads;
    const answers = await Promise.all(Array.from({ length: 6 }, () => postJson({ plot: 'A detective hunts a killer.' })));
    expect(answers.map((r) => r.status)).toEqual(Array(6).fill(200));
    const health = (await (await call('/health')).json()) as { models: { loads: number; loaded: boolean } };
    expect(health.models.loaded).toBe(true);
    expect(health.models.loads).toBe(before + 1);
    // Reused afterwards: no further load.
    await postJson({ plot: 'Another plot.' });
    expect(((await (await call('/health')).json()) as { models: { loads: number } }).models.loads).toBe(before + 1);
  });

  it('picks up a republished manifest.json, and keeps the loaded version while a new one is broken', async () => {
    const published = JSON.parse(new TextDecoder().decode(fromB64(inject('models')['manifest.json']))) as { version: string };
    const versionOf = async () => ((await (await postJson({ plot: 'A detective hunts a killer.' })).json()) as { modelVersion: string }).modelVersion;
    const loads = async () => ((await (await call('/health')).json()) as { models: { loads: number } }).models.loads;
    expect(await versionOf()).toBe(published.version);
    const before = await loads();

    // Same files, a new version (MODEL_RECHECK_SECONDS is 0 in the tests): the next request loads it.
    await putModels({ 'manifest.json': JSON.stringify({ ...published, version: `${published.version}-next` }) });
    expect(await versionOf()).toBe(`${published.version}-next`);
    expect(await loads()).toBe(before + 1);

    // Each reload holds two versions for a moment, so the WASM memory grows once; after that the released
    // sessions' memory is reused (48 -> 57.6 MiB over these six reloads; WASM memory is never
    // garbage-collected, and without release() it grew 57.6 -> 119.6 MiB). Some reloads have requests in flight on the old sessions, which are then
    // released after the last of them.
    const heap = async () => ((await (await call('/health')).json()) as { wasmHeapBytes: number }).wasmHeapBytes;
    const heaps: number[] = [];
    for (let n = 2; n <= 7; n++) {
      const version = `${published.version}-next${n}`;
      await putModels({ 'manifest.json': JSON.stringify({ ...published, version }) });
      const during = await Promise.all(Array.from({ length: n % 2 ? 4 : 1 }, () => versionOf()));
      expect(during).toContain(version);
      expect(during.every((v) => v === version || v === `${published.version}-next${n - 1}`)).toBe(true);
      heaps.push(await heap());
    }
    expect(await loads()).toBe(before + 7);
    expect(heaps[5] - heaps[2]).toBeLessThan(16 * 2 ** 20);

    // A new manifest whose file is corrupt: the loaded version keeps answering.
    await putModels({ 'text_model.onnx': new Uint8Array([1, 2, 3]), 'manifest.json': JSON.stringify({ ...published, version: 'broken' }) });
    expect(await versionOf()).toBe(`${published.version}-next7`);

    // Fixed by publishing again: back to the published version.
    await putModels();
    expect(await versionOf()).toBe(published.version);
  });

  it('loads the published version while a next one is half uploaded: its files have their own keys', async () => {
    const published = JSON.parse(new TextDecoder().decode(fromB64(inject('models')['manifest.json']))) as ModelManifest;
    const next = new TextEncoder().encode('the next version of the text encoder');
    const sha256 = Buffer.from(await crypto.subtle.digest('SHA-256', next)).toString('hex');
    await testEnv.MODELS.put(objectKey({ file: published.models.textModel.file, sha256 }), next);
    // A load now, as a Worker starting mid-publish does it, reads files the upload did not touch.
    await testEnv.MODELS.put('manifest.json', JSON.stringify({ ...published, version: `${published.version}-mid-publish` }));
    const res = await postJson({ plot: 'A detective hunts a killer.' });
    expect(((await res.json()) as { modelVersion: string }).modelVersion).toBe(`${published.version}-mid-publish`);
  });
});
