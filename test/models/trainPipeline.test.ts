import { existsSync } from 'node:fs';
import { appendFile, copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENRES } from '../../src/shared/labels';
import { MOBILENET_IMAGE_PARAMS } from '../../src/shared/imageTensor';
import { modelManifestSchema } from '../../src/shared/modelManifest';
import { loadDataset } from '../../models/dataset';
import { evaluateDataset } from '../../models/evaluate';
import { writeFeatureEncoder } from '../../models/featureEncoder';
import { fusionProbs, mlpProbs } from '../../models/heads';
import { extractImageFeatures } from '../../models/imageFeatures';
import { NodePredictor } from '../../models/nodePredictor';
import { onnx } from '../../models/onnxExport';
import { sharedPaths } from '../../models/paths';
import { readSplit } from '../../models/split';
import { loadTokenizer, textVectors } from '../../models/textModel';
import { trainAll } from '../../models/train';

type Row = Record<string, string>;
const PER_CLASS = 5;

const sharedRows = async (): Promise<Row[]> => parse(await readFile(join(sharedPaths().dataset, 'manifest.csv'), 'utf8'), { columns: true });

/**
 * A dataset folder in the shared format (saved with a BOM, as Excel does) from the given shared rows,
 * with an empty overview, one without any word (a zero-width space), a missing and a corrupt poster.
 */
async function datasetFolder(dir: string, rows: Row[]): Promise<Row[]> {
  await mkdir(join(dir, 'posters'), { recursive: true });
  for (const row of rows) await copyFile(join(sharedPaths().dataset, row.poster), join(dir, row.poster));
  rows[0].overview = '';
  await rm(join(dir, rows[1].poster));
  await writeFile(join(dir, rows[2].poster), 'not a jpeg');
  rows[rows.length - 1].overview = '\u200b';
  await writeFile(join(dir, 'manifest.csv'), `\ufeff${stringify(rows, { header: true })}`);
  return rows;
}

/** The shared dataset's first `count` movies of each genre, after skipping `from`. */
async function perGenre(from: number, count: number): Promise<Row[]> {
  const all = await sharedRows();
  return GENRES.flatMap((g) => all.filter((r) => r.label === g).slice(from, from + count));
}

describe('training pipeline on a tiny dataset', () => {
  let dir: string;
  let rows: Row[];
  let trained: Awaited<ReturnType<typeof trainAll>>;
  const out = () => join(dir, 'out');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'genre-train-'));
    rows = await datasetFolder(join(dir, 'data'), await perGenre(0, PER_CLASS));
    trained = await trainAll({ data: join(dir, 'data'), out: out(), cache: join(dir, 'cache'), epochs: 2, seed: 3, evaluate: true, progress: false, log: () => {} });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes a valid manifest with the test-split evaluation, and nothing the web page publishes', async () => {
    const manifest = modelManifestSchema.parse(JSON.parse(await readFile(join(out(), 'manifest.json'), 'utf8')));
    expect(manifest.version).toBe(trained.manifest.version);
    expect(manifest.evaluation).toMatchObject({ split: 'test' });
    const report = JSON.parse(await readFile(join(out(), 'evaluation.json'), 'utf8'));
    for (const head of ['fusion', 'text', 'image']) {
      expect(Object.keys(report[head])).toEqual(expect.arrayContaining(['accuracy', 'balancedAccuracy', 'macroF1', 'perClass', 'confusion', 'bySource']));
    }
    expect(await readFile(join(out(), 'confusion.svg'), 'utf8')).toMatch(/^<svg/);
    // Evaluating loads the models read-only; examples.json is written by models:publish alone.
    expect(existsSync(join(out(), 'examples.json'))).toBe(false);
  });

  it('counts the rows it cannot use instead of dropping them silently', () => {
    const { data } = trained.run;
    expect(data.movies).toBe(GENRES.length * PER_CLASS);
    expect(data.emptyOverview).toEqual([Number(rows[0].tmdb_id), Number(rows[rows.length - 1].tmdb_id)]);
    expect(data.posterProblems.map((p) => [p.tmdbId, p.reason])).toEqual([
      [Number(rows[1].tmdb_id), 'missing'],
      [Number(rows[2].tmdb_id), 'undecodable'],
    ]);
  });

  it('evaluates only movies the models never trained or early-stopped on, in any folder', async () => {
    const split = await readSplit(join(out(), 'split.json'));
    const onTraining = await evaluateDataset(join(dir, 'data'), { artifactsDir: out() });
    expect(onTraining).toMatchObject({ rows: 'test split', movies: split.test.length, seenInTraining: split.train.length + split.validation.length });

    // Another folder: 14 new movies, plus one each from the train, validation and test split.
    const byId = new Map(rows.map((r) => [Number(r.tmdb_id), r]));
    const seen = [split.train[0], split.validation[0], split.test[0]].map((id) => ({ ...byId.get(id)! }));
    const fresh = await perGenre(PER_CLASS, 2);
    const other = await datasetFolder(join(dir, 'other'), [...fresh.slice(0, 3), ...seen, ...fresh.slice(3)]);
    const report = await evaluateDataset(join(dir, 'other'), { artifactsDir: out() });
    expect(report).toMatchObject({ rows: 'unseen', movies: other.length - 2, seenInTraining: 2 });
    expect(report.skipped).toEqual({ emptyOverview: 2, missingPoster: 1, undecodablePoster: 1 });
    expect(report.text.count).toBe(report.movies - 2);
    expect(report.image.count).toBe(report.movies - 2);
    expect(report.fusion.count).toBe(report.movies - 4);
  });

  it('reads a feature cache that an interrupted run left with half a record', async () => {
    const cacheDir = join(dir, 'cache');
    const [file] = (await readdir(cacheDir)).filter((f) => f.startsWith('image-features-'));
    const whole = await readFile(join(cacheDir, file));
    await appendFile(join(cacheDir, file), whole.subarray(0, 1000));
    // The corrupt poster's movie gets its real poster, so this run appends one record after the repair.
    const repaired = Number(rows[2].tmdb_id);
    const movies = (await loadDataset(join(dir, 'data'))).map((m) => (m.tmdbId === repaired ? { ...m, posterPath: join(sharedPaths().dataset, rows[2].poster) } : m));
    const options = { modelPath: await writeFeatureEncoder(), params: MOBILENET_IMAGE_PARAMS, cacheDir };
    const first = await extractImageFeatures(movies, options);
    expect([first.cached, first.problems.length]).toEqual([movies.length - 2, 1]);
    const second = await extractImageFeatures(movies, options);
    expect([second.cached, second.problems.length]).toEqual([movies.length - 1, 1]);
    expect(second.byId.get(repaired)).toEqual(first.byId.get(repaired));
    expect((await readFile(join(cacheDir, file))).length).toBe(whole.length + 32 + 1280 * 4);
  });

  it('keeps the batches already encoded when the encoder fails mid-run, and reports its error', async () => {
    // The served encoder with its batch dimension fixed at 8: it runs full batches and fails on the last, shorter one.
    const model = onnx.ModelProto.decode(await readFile(await writeFeatureEncoder()));
    model.graph!.input![0].type!.tensorType!.shape!.dim![0] = { dimValue: 8 };
    const modelPath = join(dir, 'batch8.onnx');
    await writeFile(modelPath, onnx.ModelProto.encode(model).finish());
    // Without the corrupt poster, so every batch but the last is full.
    const movies = (await loadDataset(join(dir, 'data'))).filter((m) => m.tmdbId !== Number(rows[2].tmdb_id));
    const encodable = movies.length - 1; // the missing poster
    const cacheDir = join(dir, 'cache-batch8');
    const options = { modelPath, params: MOBILENET_IMAGE_PARAMS, cacheDir };
    await expect(extractImageFeatures(movies, options)).rejects.toThrow(/dimension/i);
    const [file] = await readdir(cacheDir);
    const kept = Math.floor(encodable / 8) * 8;
    expect((await readFile(join(cacheDir, file))).length).toBe(kept * (32 + 1280 * 4));
  });

  it('says which part is missing when no movie has a poster', async () => {
    const noPosters = join(dir, 'no-posters');
    await mkdir(noPosters);
    await copyFile(join(dir, 'data', 'manifest.csv'), join(noPosters, 'manifest.csv'));
    await expect(trainAll({ data: noPosters, out: join(dir, 'no-posters-out'), cache: join(dir, 'cache'), epochs: 1, seed: 3, evaluate: false, progress: false, log: () => {} })).rejects.toThrow(
      `${noPosters}: no movie in the train split with a poster`,
    );
  });

  it('ONNX models give the tfjs probabilities (1e-4)', async () => {
    const { textModel, heads } = trained;
    const { text } = trained.manifest;
    const tokenizer = await loadTokenizer(sharedPaths().tokenizerDir, text);
    const plots = rows.slice(3, 9).map((r) => r.overview);
    const ids = plots.map((p) => Int32Array.from(tokenizer.encode(p).ids));
    const features = plots.map((_, i) => Float32Array.from({ length: 1280 }, (_, k) => ((k * 7 + i * 13) % 29) / 5));
    const session = (file: string) => ort.InferenceSession.create(join(out(), file));
    const [encoder, textHead, imageHead, fusionHead] = await Promise.all(
      ['text_encoder.onnx', 'text_head.onnx', 'image_head.onnx', 'fusion_head.onnx'].map(session),
    );
    const refVectors = textVectors(textModel, ids);
    const refText = mlpProbs(heads.textHead, refVectors);
    const refImage = mlpProbs(heads.imageHead, features);
    const refFusion = fusionProbs(heads, refVectors, features);
    for (let i = 0; i < ids.length; i++) {
      const idTensor = new ort.Tensor('int64', BigInt64Array.from(ids[i], BigInt), [1, ids[i].length]);
      const vector = (await encoder.run({ input_ids: idTensor })).text_vector;
      const feat = new ort.Tensor('float32', features[i], [1, 1280]);
      const close = (a: ort.Tensor, b: Float32Array) => [...(a.data as Float32Array)].forEach((v, k) => expect(Math.abs(v - b[k])).toBeLessThan(1e-4));
      close(vector, refVectors[i]);
      close((await textHead.run({ text_vector: vector })).probs, refText[i]);
      close((await imageHead.run({ image_features: feat })).probs, refImage[i]);
      close((await fusionHead.run({ text_vector: vector, image_features: feat })).probs, refFusion[i]);
    }
  });

  it('the Node predictor serves all three heads', async () => {
    const predictor = await NodePredictor.load({ artifactsDir: out() });
    const poster = new Uint8Array(await readFile(join(dir, 'data', rows[5].poster)));
    const probs = await predictor.predict({ plot: rows[5].overview, poster });
    for (const head of ['text', 'image', 'fusion'] as const) {
      expect(probs[head]).toHaveLength(GENRES.length);
      expect(probs[head]!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
    expect(await predictor.predict({ plot: rows[5].overview })).not.toHaveProperty('fusion');
    await predictor.release();
  });

  it('retraining with the same seed gives byte-identical models', async () => {
    const again = await trainAll({ data: join(dir, 'data'), out: join(dir, 'again'), cache: join(dir, 'cache'), epochs: 2, seed: 3, evaluate: false, progress: false, log: () => {} });
    expect(again.manifest.models).toEqual(trained.manifest.models);
  });

  it('removes an earlier report from a folder it trains into without evaluating', async () => {
    const rerun = join(dir, 'rerun');
    await mkdir(rerun);
    await Promise.all(['evaluation.json', 'confusion.svg'].map((f) => copyFile(join(out(), f), join(rerun, f))));
    await trainAll({ data: join(dir, 'data'), out: rerun, cache: join(dir, 'cache'), epochs: 1, seed: 4, evaluate: false, progress: false, log: () => {} });
    expect(existsSync(join(rerun, 'manifest.json'))).toBe(true);
    expect(['evaluation.json', 'confusion.svg'].filter((f) => existsSync(join(rerun, f)))).toEqual([]);
  });

  it('leaves the split, models and report of a folder as they were when a run fails before export', async () => {
    const kept = join(dir, 'kept');
    await mkdir(kept);
    const files = await readdir(out());
    await Promise.all(files.map((f) => copyFile(join(out(), f), join(kept, f))));
    const noPosters = join(dir, 'kept-no-posters');
    await mkdir(noPosters);
    await copyFile(join(dir, 'data', 'manifest.csv'), join(noPosters, 'manifest.csv'));
    // Another seed would write another split; this run fails after drawing it, before training.
    await expect(trainAll({ data: noPosters, out: kept, cache: join(dir, 'cache'), epochs: 1, seed: 9, evaluate: false, progress: false, log: () => {} })).rejects.toThrow('no movie in the train split with a poster');
    for (const f of files) expect(await readFile(join(kept, f)), f).toEqual(await readFile(join(out(), f)));
  });

  it('writes a split keyed by tmdb_id', async () => {
    const split = await readSplit(join(out(), 'split.json'));
    expect(split.train.length + split.validation.length + split.test.length).toBe(GENRES.length * PER_CLASS);
  });
});
