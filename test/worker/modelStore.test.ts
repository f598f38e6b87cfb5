import { describe, expect, it } from 'vitest';
import { call, errorOf, postJson, putModels } from './helpers';

// This file starts with an empty bucket; module state (the loaded models) is per test file.
describe('models from R2', () => {
  it('answers 503 with a clear message while the bucket is empty', async () => {
    const err = await errorOf(await postJson({ plot: 'A detective hunts a killer.' }));
    expect(err).toMatchObject({ status: 503, code: 'model_unavailable' });
    expect(err.message).toContain('manifest.json');
    expect(await errorOf(await call('/model'))).toMatchObject({ status: 503, code: 'model_unavailable' });
  });

  it('answers 503 when a file does not match its sha256, and names the file', async () => {
    await putModels({ 'text_encoder.onnx': new Uint8Array([1, 2, 3]) });
    const err = await errorOf(await postJson({ plot: 'A detective hunts a killer.' }));
    expect(err).toMatchObject({ status: 503, code: 'model_unavailable' });
    expect(err.message).toMatch(/text_encoder\.onnx.*does not match/);
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
});
