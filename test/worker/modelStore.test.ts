import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Prediction } from '../../src/shared/apiSchemas';
import { call, corrupted, errorOf, health, logLines, notOnnx, postJson, publishedFile, publishedManifest, publishVersion, putModels, retagged, testEnv } from './helpers';

const PLOT = 'A detective hunts a killer.';
const versionOf = async () => ((await (await postJson({ plot: PLOT })).json()) as Prediction).modelVersion;

// This file starts with an empty bucket; module state (the loaded models) is per test file. The tests run
// in order: first an isolate that has nothing to serve, then one that serves a version while R2 breaks.
describe('models from R2: readiness and faults', () => {
  afterEach(() => vi.restoreAllMocks());

  it('answers 503 on /predict, /model and /health while the bucket is empty, and logs it once', async () => {
    const error = vi.spyOn(console, 'error');
    const err = await errorOf(await postJson({ plot: PLOT }));
    expect(err).toMatchObject({ status: 503, code: 'model_unavailable' });
    expect(err.message).toContain('manifest.json is missing');
    expect(await errorOf(await call('/model'))).toMatchObject({ status: 503, code: 'model_unavailable' });
    const h = await health();
    expect(h).toMatchObject({ httpStatus: 503, status: 'unavailable', models: { loaded: false, answers: { plot: false, poster: false, plotAndPoster: false } } });
    expect(h.reason).toContain('manifest.json is missing');
    expect(logLines(error).filter((l) => l.msg === 'manifest.json missing; no models to serve')).toHaveLength(1);
  });

  it.each([
    ['not JSON', '{"version": "2026-12-07", "labels": [', /not valid JSON/],
    ['JSON of the wrong shape', '{"version": 1}', /invalid/],
  ])('answers 503 with the reason when manifest.json is %s', async (_name, manifest, reason) => {
    await putModels({ 'manifest.json': manifest });
    const err = await errorOf(await postJson({ plot: PLOT }));
    expect(err).toMatchObject({ status: 503, code: 'model_unavailable', message: expect.stringMatching(reason) });
    expect(await health()).toMatchObject({ httpStatus: 503, status: 'unavailable', reason: expect.stringMatching(reason) });
  });

  it('loads once the bucket is fixed; concurrent first requests share one load; /health is then ok', async () => {
    await putModels();
    const before = (await health()).models.loads;
    // That /health call loaded the models: a readiness check sees what /predict would.
    expect(before).toBeGreaterThan(0);
    const answers = await Promise.all(Array.from({ length: 6 }, () => postJson({ plot: PLOT })));
    expect(answers.map((r) => r.status)).toEqual(Array(6).fill(200));
    const h = await health();
    expect(h).toMatchObject({ httpStatus: 200, status: 'ok', models: { loaded: true, version: publishedManifest().version, loads: before, unavailable: {} } });
    expect(h.models.answers).toEqual({ plot: true, poster: true, plotAndPoster: true });
    expect(h.reason).toBeUndefined();
  });

  it('keeps serving when a new manifest.json is invalid JSON, and says why in /health', async () => {
    const served = publishedManifest().version;
    await testEnv.MODELS.put('manifest.json', '{"version": "2026-12-07.badjson", ');
    expect(await versionOf()).toBe(served);
    expect(await health()).toMatchObject({ httpStatus: 200, status: 'ok', models: { version: served, reloadError: expect.stringContaining('not valid JSON') } });
  });

  it('keeps serving when manifest.json is deleted, logs it once, and clears the warning when it is back', async () => {
    const warn = vi.spyOn(console, 'warn');
    const served = publishedManifest().version;
    await testEnv.MODELS.delete('manifest.json');
    expect(await versionOf()).toBe(served);
    expect(await versionOf()).toBe(served);
    expect(await health()).toMatchObject({ httpStatus: 200, status: 'ok', models: { version: served, reloadError: expect.stringContaining('manifest.json is missing') } });
    expect(logLines(warn).filter((l) => l.msg === 'manifest.json missing; still serving the loaded version')).toEqual([
      expect.objectContaining({ level: 'warn', serving: served, reason: expect.stringContaining('manifest.json is missing') }),
    ]);
    await putModels();
    expect(await versionOf()).toBe(served);
    expect((await health()).models.reloadError).toBeUndefined();
  });

  it.each([
    ['a same-size corrupt model file', { textModel: retagged('textModel', 'x') }, { textModel: corrupted(retagged('textModel', 'x')) }, /text_model\.onnx.*does not match manifest\.json/],
    ['a model file missing from the bucket', { imageHead: retagged('imageHead', 'gone') }, { imageHead: null }, /image_head\.onnx.*missing from the R2 bucket/],
    ['a model onnxruntime cannot load', { fusionHead: notOnnx }, {}, /fusion_head\.onnx.*could not be loaded by onnxruntime/],
  ] as const)('keeps serving the loaded version when a new one has %s; /model names the served version', async (_name, files, stored, reason) => {
    const served = publishedManifest().version;
    await publishVersion('2026-12-07.broken', files, { stored });
    expect(await versionOf()).toBe(served);
    expect(((await (await call('/model')).json()) as { version: string }).version).toBe(served);
    expect(await health()).toMatchObject({ httpStatus: 200, status: 'ok', models: { version: served, reloadError: expect.stringMatching(reason) } });
    // Published again, fixed: back to the published version, and /health no longer reports the failure.
    await putModels();
    expect(await versionOf()).toBe(served);
    expect((await health()).models.reloadError).toBeUndefined();
  });

  it('the sha256 check catches a file of the right size whose bytes differ', () => {
    // The premise of the case above: same size, so only the digest can tell.
    expect(corrupted(publishedFile('textModel')).byteLength).toBe(publishedManifest().models.textModel.bytes);
  });
});
