import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENRES } from '../../src/shared/labels';
import { modelManifestSchema } from '../../src/shared/modelManifest';
import { evaluateDataset } from '../../models/evaluate';
import { fusionProbs, mlpProbs } from '../../models/heads';
import { NodePredictor } from '../../models/nodePredictor';
import { sharedPaths } from '../../models/paths';
import { readSplit } from '../../models/split';
import { loadTokenizer, textVectors } from '../../models/textModel';
import { trainAll } from '../../models/train';

type Row = Record<string, string>;
const PER_CLASS = 5;

/** A 35-movie dataset folder in the shared format, with one empty overview, one missing and one corrupt poster. */
async function tinyDataset(dir: string): Promise<Row[]> {
  const source = sharedPaths().dataset;
  const all: Row[] = parse(await readFile(join(source, 'manifest.csv'), 'utf8'), { columns: true });
  const rows = GENRES.flatMap((g) => all.filter((r) => r.label === g).slice(0, PER_CLASS));
  await mkdir(join(dir, 'posters'), { recursive: true });
  for (const row of rows) await copyFile(join(source, row.poster), join(dir, row.poster));
  rows[0].overview = '';
  await rm(join(dir, rows[1].poster));
  await writeFile(join(dir, rows[2].poster), 'not a jpeg');
  await writeFile(join(dir, 'manifest.csv'), stringify(rows, { header: true }));
  return rows;
}

describe('training pipeline on a tiny dataset', () => {
  let dir: string;
  let rows: Row[];
  let trained: Awaited<ReturnType<typeof trainAll>>;
  const out = () => join(dir, 'out');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'genre-train-'));
    rows = await tinyDataset(join(dir, 'data'));
    trained = await trainAll({ data: join(dir, 'data'), out: out(), cache: join(dir, 'cache'), epochs: 2, seed: 3, evaluate: true, progress: false, log: () => {} });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes a valid manifest with the test-split evaluation', async () => {
    const manifest = modelManifestSchema.parse(JSON.parse(await readFile(join(out(), 'manifest.json'), 'utf8')));
    expect(manifest.version).toBe(trained.manifest.version);
    expect(manifest.evaluation).toMatchObject({ split: 'test' });
    const report = JSON.parse(await readFile(join(out(), 'evaluation.json'), 'utf8'));
    for (const head of ['fusion', 'text', 'image']) {
      expect(Object.keys(report[head])).toEqual(expect.arrayContaining(['accuracy', 'balancedAccuracy', 'macroF1', 'perClass', 'confusion', 'bySource']));
    }
    expect(await readFile(join(out(), 'confusion.svg'), 'utf8')).toMatch(/^<svg/);
  });

  it('counts the rows it cannot use instead of dropping them silently', () => {
    const { data } = trained.run;
    expect(data.movies).toBe(GENRES.length * PER_CLASS);
    expect(data.emptyOverview).toEqual([Number(rows[0].tmdb_id)]);
    expect(data.posterProblems.map((p) => [p.tmdbId, p.reason])).toEqual([
      [Number(rows[1].tmdb_id), 'missing'],
      [Number(rows[2].tmdb_id), 'undecodable'],
    ]);
  });

  it('evaluates every row of a folder that is not the training dataset', async () => {
    const report = await evaluateDataset(join(dir, 'data'), { artifactsDir: out(), trainingData: '/elsewhere' });
    expect(report.rows).toBe('all');
    expect(report.movies).toBe(GENRES.length * PER_CLASS);
    expect(report.skipped).toEqual({ emptyOverview: 1, missingPoster: 1, undecodablePoster: 1 });
    expect(report.text.count).toBe(report.movies - 1);
    expect(report.fusion.count).toBe(report.movies - 3);
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

  it('writes a split keyed by tmdb_id', async () => {
    const split = await readSplit(join(out(), 'split.json'));
    expect(split.train.length + split.validation.length + split.test.length).toBe(GENRES.length * PER_CLASS);
  });
});
