import { afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { Prediction } from '../../src/shared/apiSchemas';
import { objectKey } from '../../src/shared/modelManifest';
import { call, corrupted, fromB64, health, logLines, notOnnx, postForm, postJson, publishedManifest, publishVersion, putModels, retagged, sha256Hex, testEnv } from './helpers';

// Reloads in one isolate (module state is per test file): MODEL_RECHECK_SECONDS is 0 in the tests, so the
// first request after a publish loads the new version. Each version has new files (other sha256s), as a
// retrained model has, so each reload creates new onnxruntime sessions.

const PLOT = 'A detective hunts a serial killer through a rain-soaked city.';
const versionOf = async () => ((await (await postJson({ plot: PLOT })).json()) as Prediction).modelVersion;
const heap = async () => (await health()).wasmHeapBytes!;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

describe('reloading a republished model', () => {
  let first: number;
  const heaps: string[] = [];
  beforeAll(async () => {
    await putModels();
    expect(await versionOf()).toBe(publishedManifest().version);
    first = await heap();
    heaps.push(`first load ${mib(first)}`);
  });
  afterEach(() => vi.restoreAllMocks());

  it('serves three successive new versions without growing the WASM heap past 1.25x the first load, and logs each switch', async () => {
    const log = vi.spyOn(console, 'log');
    const changes = [
      ['textModel', 'imageEncoder', 'imageHead', 'fusionHead'],
      ['textModel', 'imageHead', 'fusionHead'],
      ['textModel'],
    ] as const;
    const served: string[] = [];
    const sizes: number[] = [];
    let base = publishedManifest();
    for (const [n, keys] of changes.entries()) {
      const version = `v${n + 1}`;
      // The files not listed stay those of the version before.
      base = await publishVersion(version, Object.fromEntries(keys.map((key) => [key, retagged(key, version)])), { base });
      served.push(await versionOf());
      sizes.push(await heap());
      heaps.push(`${version} (${keys.length} of 4 files new) ${mib(sizes.at(-1)!)}`);
    }
    // Printed before the checks, so that a run against another store design shows its figures too.
    console.info(`WASM heap: ${heaps.join(' | ')}`);
    expect(served).toEqual(['v1', 'v2', 'v3']);
    for (const bytes of sizes) expect(bytes).toBeLessThanOrEqual(1.25 * first);
    const switches = logLines(log).filter((l) => l.msg === 'model version switched');
    expect(switches).toEqual([
      expect.objectContaining({ level: 'info', from: publishedManifest().version, to: 'v1', sessionsCreated: 4 }),
      expect.objectContaining({ from: 'v1', to: 'v2', sessionsCreated: 4 }),
      expect.objectContaining({ from: 'v2', to: 'v3', sessionsCreated: 4 }),
    ]);
    // A new manifest.json naming the same files: the sessions are reused, nothing is created.
    await publishVersion('v3-renamed', {}, { base });
    expect(await versionOf()).toBe('v3-renamed');
    expect(logLines(log)).toContainEqual(expect.objectContaining({ msg: 'model version switched', to: 'v3-renamed', sessionsCreated: 0, sessionsReused: 4 }));
  });

  it('keeps serving the loaded version when a new one is broken, without growing the heap, and says so in /health, /model and the log', async () => {
    const warn = vi.spyOn(console, 'warn');
    const served = await versionOf();
    const before = await heap();

    // A same-size corrupt file: caught by its sha256 before any session is touched.
    await publishVersion('corrupt', { textModel: retagged('textModel', 'corrupt') }, { stored: { textModel: corrupted(retagged('textModel', 'corrupt')) } });
    expect(await versionOf()).toBe(served);
    expect(await heap()).toBe(before);
    const h = await health();
    expect(h).toMatchObject({ httpStatus: 200, status: 'ok', models: { version: served } });
    expect(h.models.reloadError).toMatch(/corrupt.*text_model\.onnx.*does not match/);
    expect(((await (await postJson({ plot: PLOT })).json()) as Prediction).modelVersion).toBe(served);
    expect(logLines(warn)).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'model reload failed; still serving the loaded version', serving: served, version: 'corrupt' }));

    // A file onnxruntime cannot load: its sessions were already released, so the loaded version's are made again.
    await publishVersion('unloadable', { fusionHead: notOnnx });
    expect(await versionOf()).toBe(served);
    // Every model is back: a plot with a poster runs all four.
    const both = await postForm({ plot: PLOT, poster: fromB64(inject('fixtures').jpeg) });
    expect(await both.json()).toMatchObject({ modelVersion: served, modalities: ['plot', 'poster'] });
    expect((await health()).models.reloadError).toMatch(/unloadable.*fusion_head\.onnx.*onnxruntime/);
    const bytes = await heap();
    // The same with a new text model too: the failed session leaves a little memory where the text model was.
    await publishVersion('unloadable-2', { textModel: retagged('textModel', 'unloadable-2'), fusionHead: notOnnx });
    expect(await versionOf()).toBe(served);
    const bytes2 = await heap();
    console.info(`WASM heap: after a corrupt file ${mib(before)}, after files onnxruntime cannot load ${mib(bytes)}, ${mib(bytes2)}`);
    expect(bytes2).toBeLessThanOrEqual(1.25 * first);
    expect(logLines(warn)).toContainEqual(expect.objectContaining({ msg: 'model reload failed; still serving the loaded version', version: 'unloadable' }));

    // Not retried while manifest.json stays as it is: no more loads.
    const loads = (await health()).models.loads;
    await versionOf();
    expect((await health()).models.loads).toBe(loads);
    // GET /model names the version /predict serves, not the broken one in R2.
    expect(((await (await call('/model')).json()) as { version: string }).version).toBe(served);
  });

  it('answers requests that arrive during a reload with the old or the new version, never a mix', async () => {
    const poster = fromB64(inject('fixtures').jpeg);
    const ask = async () => (await (await postForm({ plot: PLOT, poster })).json()) as Prediction;
    await putModels();
    const old = await ask();
    // The new version answers differently: its fusion head's weights are halved.
    const next = await publishVersion('halved', { fusionHead: fromB64(inject('fusionHeadVariant')), textModel: retagged('textModel', 'halved') });
    const during = await Promise.all(Array.from({ length: 6 }, ask));
    const now = await ask();
    expect(now.modelVersion).toBe(next.version);
    expect(now.genres).not.toEqual(old.genres);
    expect(during.map((p) => p.modelVersion)).toContain(next.version);
    for (const p of during) expect(p.genres).toEqual((p.modelVersion === next.version ? now : old).genres);
    expect(during.every((p) => [old.modelVersion, next.version].includes(p.modelVersion))).toBe(true);
  });

  it('loads the published version while a next one is half uploaded: its files have their own keys', async () => {
    await putModels();
    const published = publishedManifest();
    const next = retagged('textModel', 'next');
    await testEnv.MODELS.put(objectKey({ file: published.models.textModel.file, sha256: await sha256Hex(next) }), next);
    // A load now, as a Worker starting mid-publish does it, reads files the upload did not touch.
    await publishVersion(`${published.version}-mid-publish`);
    expect(await versionOf()).toBe(`${published.version}-mid-publish`);
  });
});
