import { existsSync } from 'node:fs';
import { appendFile, copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENRES, TMDB_GENRES } from '../../src/shared/labels';
import { modelManifestSchema } from '../../src/shared/modelManifest';
import { evaluationReportSchema } from '../../src/shared/evaluationReport';
import { plotFeatures } from '../../src/shared/plotFeatures';
import { DEFAULT_CONFIG, type TrainConfig } from '../../models/config';
import { loadDataset } from '../../models/data/dataset';
import { readSplit } from '../../models/data/split';
import { evaluateDataset } from '../../models/evaluate/evaluate';
import { argmax } from '../../models/evaluate/metrics';
import { loadNodeClassifier } from '../../models/evaluate/nodeClassifier';
import { onnx } from '../../models/export/onnxGraph';
import { IMAGE_DIM, writeFeatureEncoder } from '../../models/features/featureEncoder';
import { extractImageFeatures } from '../../models/features/imageFeatures';
import { sharedPaths } from '../../models/paths';
import { bagOutputs } from '../../models/train/bagModel';
import { ruleBias } from '../../models/train/decisionRule';
import { fusedGenreLogits, fusedTmdbLogits } from '../../models/train/fusion';
import { imageRow } from '../../models/train/imageHead';
import { trainAll, type TrainArgs } from '../../models/train/pipeline';
import { tfidfRow } from '../../models/train/textModel';
import { calibrateTopLabel, type TopLabelMap } from '../../models/train/topLabel';

type Row = Record<string, string>;
const PER_CLASS = 5;

/** Small and quick: the pipeline's code paths, not its accuracy. */
const TINY: TrainConfig = {
  ...DEFAULT_CONFIG,
  text: {
    ...DEFAULT_CONFIG.text,
    features: { ...DEFAULT_CONFIG.text.features, buckets: 1 << 12 },
    minDf: 1,
    model: { ...DEFAULT_CONFIG.text.model, dim: 8, epochs: 2 },
  },
  image: { ...DEFAULT_CONFIG.image, head: { ...DEFAULT_CONFIG.image.head, dim: 4, epochs: 2 } },
  fusion: { ...DEFAULT_CONFIG.fusion, steps: 50 },
};

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

/** A text-only folder (manifest.csv.gz, no posters) like ../shared/data/movies-text. */
async function textFolder(dir: string, rows: Row[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  const textOnly = rows.map((r) => ({ ...r, imdb_id: '', poster: '', poster_source: '', text_source: 'test' }));
  await writeFile(join(dir, 'manifest.csv.gz'), gzipSync(stringify(textOnly, { header: true })));
}

describe('training pipeline on a tiny dataset', () => {
  let dir: string;
  let rows: Row[];
  let trained: Awaited<ReturnType<typeof trainAll>>;
  const out = () => join(dir, 'out');
  const args = (over: Partial<TrainArgs> = {}): TrainArgs => ({
    data: join(dir, 'data'),
    textData: join(dir, 'text'),
    out: out(),
    cache: join(dir, 'cache'),
    seed: 3,
    config: TINY,
    evaluate: false,
    progress: false,
    log: () => {},
    ...over,
  });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'genre-train-'));
    rows = await datasetFolder(join(dir, 'data'), await perGenre(0, PER_CLASS));
    // Text-only rows: 14 new movies, and one that repeats a poster movie's plot under another id.
    const extra = await perGenre(PER_CLASS + 2, 2);
    await textFolder(join(dir, 'text'), [...extra, { ...rows[6], tmdb_id: '999999999' }]);
    trained = await trainAll(args({ evaluate: true }));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes a valid manifest with the test-split evaluation, and nothing the web page publishes', async () => {
    const manifest = modelManifestSchema.parse(JSON.parse(await readFile(join(out(), 'manifest.json'), 'utf8')));
    expect(manifest.version).toBe(trained.manifest.version);
    expect(manifest.evaluation).toMatchObject({ split: 'test' });
    const report = evaluationReportSchema.parse(JSON.parse(await readFile(join(out(), 'evaluation.json'), 'utf8')));
    expect(report.othersTop3.fusion.movies).toBeGreaterThan(0);
    expect(manifest.calibration).toEqual({ fusion: trained.topLabel.fusion.kind, text: trained.topLabel.text.kind, image: trained.topLabel.image.kind });
    for (const head of ['fusion', 'text', 'image'] as const) {
      const { bins } = report.calibration[head];
      expect(bins.map((b) => b.from)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
      expect(bins.reduce((n, b) => n + b.count, 0)).toBe(report[head].count);
    }
    expect(await readFile(join(out(), 'confusion.svg'), 'utf8')).toMatch(/^<svg/);
    // Evaluating loads the models read-only; examples.json is written by models:publish alone.
    expect(existsSync(join(out(), 'examples.json'))).toBe(false);
  });

  it('trains the text model on the text-only rows too, but never on a plot of the poster dataset', () => {
    const { data } = trained.run;
    expect(data.textOnlyMovies).toBe(GENRES.length * 2);
    // The train split's movies with words, and every text-only row.
    const split = trained.run.data.split;
    expect(data.textTrainingRows).toBeLessThanOrEqual(split.train + data.textOnlyMovies);
    expect(data.textTrainingRows).toBeGreaterThan(data.textOnlyMovies);
  });

  it('trains on the rows of --extra folders, in the training split only, leaving out any movie of the dataset', async () => {
    // Two folders as `npm run feedback:export` writes them: ids past 1e9, text_source=feedback, TMDB genres optional.
    const fresh = await perGenre(PER_CLASS + 4, 1);
    const feedbackRow = (row: Row, id: number, over: Partial<Row> = {}): Row => ({ ...row, tmdb_id: String(1_000_000_000 + id), genres: '', text_source: 'feedback', poster: `posters/${1_000_000_000 + id}.jpg`, ...over });
    const both = fresh.map((r, i) => feedbackRow(r, i + 1, i % 2 ? {} : { genres: r.genres }));
    const plotOnly = feedbackRow(rows[8], 20, { overview: fresh[0].overview.split(' ').reverse().join(' '), poster: '', poster_source: '' });
    const posterOnly = feedbackRow(fresh[1], 21, { overview: '' });
    const samePoster = feedbackRow(fresh[2], 22, { overview: 'A plot nobody wrote before, about a lighthouse keeper and a storm.' });
    const samePlot = feedbackRow(fresh[3], 23, { overview: rows[4].overview.toUpperCase() });
    const folder = async (name: string, list: Row[], posterOf: (row: Row) => string) => {
      await mkdir(join(dir, name, 'posters'), { recursive: true });
      for (const row of list) if (row.poster) await copyFile(posterOf(row), join(dir, name, row.poster));
      await writeFile(join(dir, name, 'manifest.csv'), stringify(list, { header: true }));
    };
    const sharedPoster = (row: Row) => join(sharedPaths().dataset, fresh.find((f) => f.title === row.title)!.poster);
    await folder('extra-1', [...both, plotOnly, posterOnly], sharedPoster);
    // A dataset movie's poster under another id is that movie (rows[5] may be in the test split).
    await folder('extra-2', [samePoster, samePlot], (row) => (row === samePoster ? join(dir, 'data', rows[5].poster) : sharedPoster(row)));

    const withExtra = await trainAll(args({ out: join(dir, 'with-extra'), extra: [join(dir, 'extra-1'), join(dir, 'extra-2')] }));
    const { data } = withExtra.run;
    expect(data.extra).toEqual({
      folders: [join(dir, 'extra-1'), join(dir, 'extra-2')],
      rows: both.length + 4,
      leftOut: [samePoster, samePlot].map((r) => Number(r.tmdb_id)),
      textRows: both.length + 1,
      posterRows: both.length + 1,
    });
    expect(data.textTrainingRows).toBe(trained.run.data.textTrainingRows + both.length + 1);
    expect(data.imageTrainingRows).toBe(trained.run.data.imageTrainingRows + both.length + 1);
    // The split, so validation and test, is the dataset's alone; the models learned from the extra rows.
    expect(await readFile(join(dir, 'with-extra', 'split.json'), 'utf8')).toBe(await readFile(join(out(), 'split.json'), 'utf8'));
    expect(withExtra.manifest.models).not.toEqual(trained.manifest.models);
    // An id in two folders is one movie told twice: refused, naming both.
    await folder('extra-3', [both[0]], sharedPoster);
    await expect(trainAll(args({ out: join(dir, 'twice'), extra: [join(dir, 'extra-1'), join(dir, 'extra-3')] }))).rejects.toThrow(
      `${join(dir, 'extra-3')}: tmdb_id ${both[0].tmdb_id} is also in ${join(dir, 'extra-1')}`,
    );
  });

  it('counts the rows it cannot use instead of dropping them silently', () => {
    const { data } = trained.run;
    expect(data.movies).toBe(GENRES.length * PER_CLASS);
    expect(data.withoutWords).toEqual([Number(rows[0].tmdb_id), Number(rows[rows.length - 1].tmdb_id)]);
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
    expect(report.skipped).toEqual({ noWords: 2, missingPoster: 1, undecodablePoster: 1 });
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
    const options = { modelPath: await writeFeatureEncoder(), params: TINY.image.params, cacheDir };
    const first = await extractImageFeatures(movies, options);
    expect([first.cached, first.problems.length]).toEqual([movies.length - 2, 1]);
    const second = await extractImageFeatures(movies, options);
    expect([second.cached, second.problems.length]).toEqual([movies.length - 1, 1]);
    expect(second.byId.get(repaired)).toEqual(first.byId.get(repaired));
    expect((await readFile(join(cacheDir, file))).length).toBe(whole.length + 32 + IMAGE_DIM * 4);
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
    const options = { modelPath, params: TINY.image.params, cacheDir };
    await expect(extractImageFeatures(movies, options)).rejects.toThrow(/dimension/i);
    const [file] = await readdir(cacheDir);
    const kept = Math.floor(encodable / 8) * 8;
    expect((await readFile(join(cacheDir, file))).length).toBe(kept * (32 + IMAGE_DIM * 4));
  });

  it('says which part is missing when no movie has a poster', async () => {
    const noPosters = join(dir, 'no-posters');
    await mkdir(noPosters);
    await copyFile(join(dir, 'data', 'manifest.csv'), join(noPosters, 'manifest.csv'));
    await expect(trainAll(args({ data: noPosters, out: join(dir, 'no-posters-out') }))).rejects.toThrow(`${noPosters}: no movie in the train split with a poster`);
  });

  it("the ONNX graphs compute the trainer's outputs from the shared plot features (1e-4)", async () => {
    const { text, imageHead, fusion, rule, topLabel } = trained;
    const bias = ruleBias(rule);
    const softmax = (logits: ArrayLike<number>) => {
      const e = Array.from(logits, (v) => Math.exp(v));
      return e.map((v) => v / e.reduce((a, b) => a + b, 0));
    };
    // The served probabilities: the decision rule's bias added, then the answer's top-label map. The fusion
    // reads the heads' own log-probabilities, untouched by their calibration.
    const served = (logProbs: ArrayLike<number>, map: TopLabelMap) => {
      const uncalibrated = softmax(Array.from(logProbs, (v, c) => v + bias[c]));
      return { uncalibrated, calibrated: calibrateTopLabel(uncalibrated, map) };
    };
    const closeServed = (got: ort.InferenceSession.OnnxValueMapType, want: ReturnType<typeof served>) => {
      close(got.uncalibrated_probs.data as Float32Array, want.uncalibrated);
      close(got.probs.data as Float32Array, want.calibrated);
      expect(argmax(got.probs.data as Float32Array)).toBe(argmax(want.uncalibrated));
    };
    const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
    const close = (a: ArrayLike<number>, b: ArrayLike<number>) => {
      expect(a.length).toBe(b.length);
      Array.from(a).forEach((v, k) => expect(Math.abs(v - b[k])).toBeLessThan(1e-4));
    };
    const session = (file: string) => ort.InferenceSession.create(join(out(), file));
    const [textModel, imageSession, fusionSession] = await Promise.all(['text_model.onnx', 'image_head.onnx', 'fusion_head.onnx'].map(session));
    const plots = rows.slice(3, 9).map((r) => r.overview);
    for (const [i, plot] of plots.entries()) {
      // What the Worker sends (the shared feature code), against what the trainer computed (TF-IDF rows, bag model).
      const features = plotFeatures(plot, trained.manifest.text.features);
      const got = await textModel.run({
        feature_ids: new ort.Tensor('int64', BigInt64Array.from(features.ids, BigInt), [features.ids.length]),
        feature_counts: new ort.Tensor('float32', features.counts, [features.counts.length]),
      });
      const row = tfidfRow(features, text.idf);
      const [ref] = bagOutputs(text.bag, [row]);
      closeServed(got, served(ref.genreLogProbs, topLabel.text));
      close(got.tmdb_probs.data as Float32Array, Array.from(ref.tmdbLogits, sigmoid));
      // Evidence: each bucket's share of each genre's logit, centred; the shares add up to the logits, bias aside.
      const evidence = got.evidence.data as Float32Array;
      const { dim } = text.bag;
      const known = new Map(Array.from(row.ids, (id, k) => [id, row.values[k]]));
      features.ids.forEach((id, j) => {
        const shares = GENRES.map((_, c) => {
          let s = 0;
          for (let d = 0; d < dim; d++) s += (known.get(id) ?? 0) * text.bag.table[id * dim + d] * text.bag.genres.w[d * GENRES.length + c];
          return s;
        });
        const mean = shares.reduce((a, b) => a + b, 0) / shares.length;
        close(evidence.subarray(j * GENRES.length, (j + 1) * GENRES.length), shares.map((s) => s - mean));
      });

      const image = Float32Array.from({ length: IMAGE_DIM }, (_, k) => ((k * 7 + i * 13) % 29) / 5);
      const [imageRef] = bagOutputs(imageHead.bag, [imageRow(image, imageHead)]);
      const imageOut = await imageSession.run({ image_features: new ort.Tensor('float32', image, [1, IMAGE_DIM]) });
      closeServed(imageOut, served(imageRef.genreLogProbs, topLabel.image));
      close(imageOut.tmdb_probs.data as Float32Array, Array.from(imageRef.tmdbLogits, sigmoid));

      const fused = await fusionSession.run({ text_vector: got.text_vector, image_features: new ort.Tensor('float32', image, [1, IMAGE_DIM]) });
      const inputs = { textLogProbs: [ref.genreLogProbs], imageLogProbs: [imageRef.genreLogProbs], textTmdbLogits: [ref.tmdbLogits], imageTmdbLogits: [imageRef.tmdbLogits] };
      closeServed(fused, served(fusedGenreLogits(fusion, inputs)[0], topLabel.fusion));
      close(fused.tmdb_probs.data as Float32Array, Array.from(fusedTmdbLogits(fusion, inputs)[0], sigmoid));
    }
  });

  it('the Node classifier answers with all three heads, the TMDB genres and evidence found in the plot', async () => {
    const classifier = await loadNodeClassifier({ artifactsDir: out() });
    try {
      const movie = (await loadDataset(join(dir, 'data')))[5];
      const { decodeImage } = await import('../../src/shared/imageDecode');
      const image = await decodeImage(await readFile(movie.posterPath));
      const heads = await classifier.heads({ plot: movie.overview, image });
      for (const head of [heads.text, heads.image, heads.fusion]) {
        expect(head!.probs).toHaveLength(GENRES.length);
        expect(head!.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        expect(head!.tmdbProbs).toHaveLength(TMDB_GENRES.length);
      }
      const answer = await classifier.classify({ plot: movie.overview });
      expect(answer.tmdbGenres.map((g) => g.genre).sort()).toEqual([...TMDB_GENRES].sort());
      for (const { text, weight } of answer.evidence!.plot) {
        expect(weight).toBeGreaterThan(0);
        expect(movie.overview).toContain(text);
      }
      expect(await classifier.heads({ plot: movie.overview })).not.toHaveProperty('fusion');
    } finally {
      await classifier.release();
    }
  });

  it('a poster head on the final 1280 features only reads them from the encoder output (--poster-features final)', async () => {
    const finalOnly = await trainAll(args({ out: join(dir, 'final'), config: { ...TINY, image: { ...TINY.image, features: 'final' } } }));
    expect(finalOnly.imageHead.bag.inputs).toBe(1280);
    const session = await ort.InferenceSession.create(join(dir, 'final', 'image_head.onnx'));
    const image = Float32Array.from({ length: IMAGE_DIM }, (_, k) => ((k * 5) % 23) / 4);
    const [ref] = bagOutputs(finalOnly.imageHead.bag, [imageRow(image.subarray(0, 1280), finalOnly.imageHead)]);
    const got = (await session.run({ image_features: new ort.Tensor('float32', image, [1, IMAGE_DIM]) })).tmdb_probs.data as Float32Array;
    Array.from(ref.tmdbLogits, (v) => 1 / (1 + Math.exp(-v))).forEach((p, k) => expect(Math.abs(p - got[k])).toBeLessThan(1e-4));
  });

  it('retraining with the same seed gives byte-identical models', async () => {
    const again = await trainAll(args({ out: join(dir, 'again') }));
    expect(again.manifest.models).toEqual(trained.manifest.models);
  });

  it('removes an earlier report from a folder it trains into without evaluating', async () => {
    const rerun = join(dir, 'rerun');
    await mkdir(rerun);
    await Promise.all(['evaluation.json', 'confusion.svg'].map((f) => copyFile(join(out(), f), join(rerun, f))));
    await trainAll(args({ out: rerun, seed: 4 }));
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
    await expect(trainAll(args({ data: noPosters, out: kept, seed: 9 }))).rejects.toThrow('no movie in the train split with a poster');
    for (const f of files) expect(await readFile(join(kept, f)), f).toEqual(await readFile(join(out(), f)));
  });

  it('writes a split keyed by tmdb_id', async () => {
    const split = await readSplit(join(out(), 'split.json'));
    expect(split.train.length + split.validation.length + split.test.length).toBe(GENRES.length * PER_CLASS);
  });
});
