import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { objectKey } from '../../src/shared/modelManifest';
import { call, corrupted, errorOf, fromB64, health, logLines, notOnnx, postForm, publishedFile, publishedManifest, publishVersion, putModels, testEnv } from './helpers';

const PLOT = 'A detective hunts a killer.';
const poster = () => fromB64(inject('fixtures').jpeg);
const answers = async () => ({
  plot: (await postForm({ plot: PLOT })).status,
  poster: (await postForm({ poster: poster() })).status,
  plotAndPoster: (await postForm({ plot: PLOT, poster: poster() })).status,
});

// An isolate whose first load finds a bad model (module state is per test file): it serves what the good
// ones allow. A new version with other bad models replaces a version that was already incomplete.
describe('partial availability', () => {
  afterEach(() => vi.restoreAllMocks());

  it('answers plots and posters alone when the fusion head cannot be loaded, and refuses a plot with a poster with the reason', async () => {
    const error = vi.spyOn(console, 'error');
    await putModels(); // the files; the first request loads the manifest.json published next
    const { version } = await publishVersion('2026-12-07.nofusion', { fusionHead: notOnnx });
    expect(await answers()).toEqual({ plot: 200, poster: 200, plotAndPoster: 503 });
    const err = await errorOf(await postForm({ plot: PLOT, poster: poster() }));
    expect(err.code).toBe('model_unavailable');
    expect(err.message).toMatch(/cannot answer a plot with a poster: model file "fusion_head\.onnx" could not be loaded by onnxruntime/);
    expect(err.message).toContain('a plot alone and a poster alone can still be answered');
    const h = await health();
    expect(h).toMatchObject({ httpStatus: 200, status: 'degraded', models: { version, answers: { plot: true, poster: true, plotAndPoster: false } } });
    expect(Object.keys(h.models.unavailable)).toEqual(['fusionHead']);
    expect(h.reason).toContain('fusion_head.onnx');
    expect(((await (await call('/model')).json()) as { version: string }).version).toBe(version);
    expect(logLines(error)).toContainEqual(expect.objectContaining({ level: 'error', msg: 'model unavailable', version, model: 'fusionHead', file: 'fusion_head.onnx' }));
  });

  it('answers posters alone when the text model is corrupt (same size, other bytes)', async () => {
    await publishVersion('2026-12-07.notext', {}, { stored: { textModel: corrupted(publishedFile('textModel')) } });
    expect(await answers()).toEqual({ plot: 503, poster: 200, plotAndPoster: 503 });
    const err = await errorOf(await postForm({ plot: PLOT }));
    expect(err.message).toMatch(/cannot answer a plot alone: model file "text_model\.onnx" does not match manifest\.json.*a poster alone can still be answered/);
    expect(await health()).toMatchObject({ status: 'degraded', models: { version: '2026-12-07.notext', answers: { plot: false, poster: true, plotAndPoster: false } } });
  });

  it('answers plots alone when the image encoder is missing from the bucket', async () => {
    const { version } = await publishVersion('2026-12-07.noimage', {}, { stored: { imageEncoder: null, textModel: publishedFile('textModel') } });
    expect(await answers()).toEqual({ plot: 200, poster: 503, plotAndPoster: 503 });
    const err = await errorOf(await postForm({ poster: poster() }));
    expect(err.message).toMatch(/cannot answer a poster alone: model file "mobilenet[^"]*" is missing from the R2 bucket.*a plot alone can still be answered/);
    expect(await health()).toMatchObject({ status: 'degraded', models: { version, answers: { plot: true, poster: false, plotAndPoster: false } } });
  });

  it('serves everything once the missing file is uploaded again, without a new manifest.json', async () => {
    const version = (await health()).models.version;
    await testEnv.MODELS.put(objectKey(publishedManifest().models.imageEncoder), publishedFile('imageEncoder'));
    expect(await answers()).toEqual({ plot: 200, poster: 200, plotAndPoster: 200 });
    expect(await health()).toMatchObject({ httpStatus: 200, status: 'ok', models: { version, unavailable: {} } });
  });
});
