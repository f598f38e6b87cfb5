import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MOBILENET_IMAGE_PARAMS } from '../src/shared/imageTensor';
import { saveManifest, servedSizes, writeArtifacts } from './artifacts';
import { loadDataset } from './dataset';
import { evaluateDataset, reportSvg } from './evaluate';
import { writeFeatureEncoder } from './featureEncoder';
import { genreTargets } from './genreTargets';
import { fusionProbsFromLogProbs, mlpLogProbs, mlpProbs, trainFusion, trainMlpHead } from './heads';
import { IMAGE_DIM, extractImageFeatures } from './imageFeatures';
import { argmax, computeMetrics, summary } from './metrics';
import { ARTIFACTS_DIR } from './modelFiles';
import { fusionOnnx, headOnnx, textEncoderOnnx } from './onnxExport';
import { PROJECT_ROOT, sharedPaths } from './paths';
import { stratifiedSplit, writeSplit } from './split';
import { initTraining } from './tfBackend';
import { DEFAULT_TEXT_CONFIG, loadTokenizer, textVectors, trainTextModel } from './textModel';
import { integer, runMain, UsageError } from './cli';

export interface TrainArgs {
  data: string;
  out: string;
  cache: string;
  epochs: number;
  seed: number;
  /** Hashed bigram buckets of the text model (0: WordPieces only). */
  bigramBuckets?: number;
  /** Hidden layer sizes of the image head ([] for a linear head). */
  imageHidden?: number[];
  /** Weight of a movie's further TMDB genres in its training target (genreTargets.ts; 0: the label only). */
  secondaryGenres?: number;
  /** Also evaluate the exported models on the test split (slow-ish: runs MobileNetV2 per poster). */
  evaluate: boolean;
  progress: boolean;
  log?: (line: string) => void;
}

export const IMAGE_PARAMS = MOBILENET_IMAGE_PARAMS;
export const IMAGE_HEAD = { hidden: [] as number[], dropout: 0.3 };
export const FUSION = { steps: 400, learningRate: 0.05, l2: 1e-3 };
export const SECONDARY_GENRES = 0.5;

const byIds = <T>(ids: number[], map: Map<number, T>) => ids.map((id) => map.get(id)!);

/** The whole pipeline: data -> features -> text model, heads, fusion -> ONNX + manifest -> test evaluation. */
export async function trainAll(args: TrainArgs) {
  const log = args.log ?? console.log;
  const started = Date.now();
  const seconds: Record<string, number> = {};
  const stage = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t = Date.now();
    const out = await fn();
    seconds[name] = Math.round((Date.now() - t) / 100) / 10;
    log(`${name}: ${seconds[name]} s`);
    return out;
  };
  await mkdir(args.out, { recursive: true });
  await initTraining();
  const shared = sharedPaths();

  const movies = await loadDataset(args.data);
  const byId = new Map(movies.map((m) => [m.tmdbId, m]));
  const text = { ...DEFAULT_TEXT_CONFIG, bigramBuckets: args.bigramBuckets ?? DEFAULT_TEXT_CONFIG.bigramBuckets };
  const imageHead = { ...IMAGE_HEAD, hidden: args.imageHidden ?? IMAGE_HEAD.hidden };
  const tokenizer = await loadTokenizer(shared.tokenizerDir, text);
  const tokens = await stage('tokenize', async () => {
    const ids = new Map<number, Int32Array>();
    for (const m of movies) {
      // An overview with no WordPiece at all (e.g. only a zero-width space) counts as empty: its mean would be 0/0.
      const encoded = tokenizer.encode(m.overview).ids;
      if (encoded.length > 0) ids.set(m.tmdbId, Int32Array.from(encoded));
    }
    return ids;
  });
  // Through the served file (MobileNetV2 cut to `features`), so training sees what the Worker computes.
  const imageEncoderPath = await writeFeatureEncoder();
  const image = await stage('image features', () =>
    extractImageFeatures(movies, { modelPath: imageEncoderPath, params: IMAGE_PARAMS, cacheDir: args.cache, progress: args.progress }),
  );
  const dataReport = {
    movies: movies.length,
    emptyOverview: movies.filter((m) => !tokens.has(m.tmdbId)).map((m) => m.tmdbId),
    posterProblems: image.problems,
    imageFeaturesFromCache: image.cached,
  };
  log(`${movies.length} movies; ${dataReport.emptyOverview.length} with an empty overview; ${image.problems.length} with a missing/undecodable poster; ${image.cached} poster features cached`);

  const split = stratifiedSplit(movies, args.seed);
  const withText = (ids: number[]) => ids.filter((id) => tokens.has(id));
  const withImage = (ids: number[]) => ids.filter((id) => image.byId.has(id));
  const labelsOf = (ids: number[]) => ids.map((id) => byId.get(id)!.label);
  const secondaryGenres = args.secondaryGenres ?? SECONDARY_GENRES;
  const targetsOf = (ids: number[]) => ids.map((id) => genreTargets(byId.get(id)!.label, byId.get(id)!.genres, secondaryGenres));
  const trainOptions = (name: string, seedOffset: number, batchSize: number, learningRate: number, patience: number) => ({
    name,
    epochs: args.epochs,
    batchSize,
    learningRate,
    patience,
    seed: args.seed + seedOffset,
    progress: args.progress,
  });

  const textTrain = withText(split.train);
  const textVal = withText(split.validation);
  const imageTrain = withImage(split.train);
  const imageVal = withImage(split.validation);
  for (const [what, rows] of [['train split with a plot', textTrain], ['validation split with a plot', textVal], ['train split with a poster', imageTrain], ['validation split with a poster', imageVal]] as const) {
    if (rows.length === 0) throw new Error(`${args.data}: no movie in the ${what} (see the counts above); every head needs some`);
  }
  const textRun = await stage('train text model', () =>
    trainTextModel(
      { ids: byIds(textTrain, tokens), targets: targetsOf(textTrain) },
      { ids: byIds(textVal, tokens), labels: labelsOf(textVal) },
      text,
      trainOptions('text', 0, 64, 0.002, 3),
    ),
  );
  const textModel = textRun.model;

  const imageRun = await stage('train image head', () =>
    trainMlpHead(
      { x: byIds(imageTrain, image.byId), targets: targetsOf(imageTrain) },
      { x: byIds(imageVal, image.byId), labels: labelsOf(imageVal) },
      imageHead.hidden,
      imageHead.dropout,
      trainOptions('image', 10, 256, 1e-3, 5),
    ),
  );

  // The fusion layer is fitted on validation rows: the heads never trained on them, so their
  // confidence there is honest. Its own validation figure is therefore 5-fold cross-fitted.
  const fusionVal = withImage(textVal);
  const fusionData = {
    textLogProbs: mlpLogProbs(textModel.head, textVectors(textModel, byIds(fusionVal, tokens))),
    imageLogProbs: mlpLogProbs(imageRun.layers, byIds(fusionVal, image.byId)),
    labels: labelsOf(fusionVal),
  };
  const fusionOptions = { ...FUSION, seed: args.seed + 20 };
  const fusion = await stage('train fusion', () => trainFusion(fusionData, fusionOptions));
  const crossFitted = await crossFitFusion(fusionData, fusionOptions);

  const heads = { textHead: textModel.head, imageHead: imageRun.layers, fusion };
  const validation = {
    text: summary(computeMetrics(labelsOf(textVal), mlpProbs(textModel.head, textVectors(textModel, byIds(textVal, tokens))).map(argmax))),
    image: summary(computeMetrics(labelsOf(imageVal), mlpProbs(imageRun.layers, byIds(imageVal, image.byId)).map(argmax))),
    fusion: { ...summary(computeMetrics(fusionData.labels, crossFitted)), note: 'fusion layer fitted on validation: 5-fold cross-fitted figure' },
  };
  log(`validation ${JSON.stringify(validation)}`);

  // Nothing goes into the output folder before training has succeeded: a failed or interrupted run leaves the
  // previous split, models and report there as they were, still describing one another (evaluate and the
  // web page's examples read the split to leave out what the models trained on).
  const manifest = await stage('export', async () => {
    // A report from an earlier run into the same folder describes other models.
    await Promise.all(['evaluation.json', 'confusion.svg'].map((f) => rm(join(args.out, f), { force: true })));
    await writeSplit(join(args.out, 'split.json'), split);
    return writeArtifacts(
      args.out,
      {
        textEncoder: textEncoderOnnx(textModel.encoder),
        textHead: headOnnx('text_head', 'text_vector', textModel.head),
        imageHead: headOnnx('image_head', 'image_features', imageRun.layers),
        fusionHead: fusionOnnx(heads),
      },
      text,
      { ...IMAGE_PARAMS, dim: IMAGE_DIM },
    );
  });

  let test;
  if (args.evaluate) {
    const report = await stage('evaluate test split (ONNX)', () => evaluateDataset(args.data, { artifactsDir: args.out, progress: args.progress }));
    await writeFile(join(args.out, 'evaluation.json'), `${JSON.stringify(report, null, 2)}\n`);
    await writeFile(join(args.out, 'confusion.svg'), reportSvg(report));
    test = { fusion: summary(report.fusion), text: summary(report.text), image: summary(report.image) };
    manifest.evaluation = { split: 'test', movies: report.movies, ...test, imageBySource: report.image.bySource };
    await saveManifest(args.out, manifest);
  }

  const run = {
    version: manifest.version,
    command: ['npm run train', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
    seconds: { ...seconds, total: Math.round((Date.now() - started) / 1000) },
    data: { ...dataReport, split: { train: split.train.length, validation: split.validation.length, test: split.test.length } },
    config: { text, image: IMAGE_PARAMS, imageHead, fusion: FUSION, secondaryGenres, seed: args.seed, maxEpochs: args.epochs },
    epochs: { text: textRun.result, image: imageRun.result },
    validation,
    test,
    sizes: servedSizes(manifest),
  };
  await writeFile(join(args.out, 'training.json'), `${JSON.stringify(run, null, 2)}\n`);
  return { manifest, run, heads, textModel };
}

/** Out-of-fold fusion predictions on the validation rows (5 folds, stratified by order of label). */
async function crossFitFusion(data: Parameters<typeof trainFusion>[0], options: Parameters<typeof trainFusion>[1]): Promise<number[]> {
  if (data.labels.length < 2) throw new Error('the validation split needs at least 2 movies with both a plot and a poster');
  const folds = Math.min(5, data.labels.length);
  const order = data.labels.map((y, i) => [y, i]).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, i]) => i);
  const foldOf = new Array<number>(data.labels.length);
  order.forEach((row, k) => (foldOf[row] = k % folds));
  const predicted = new Array<number>(data.labels.length);
  for (let f = 0; f < folds; f++) {
    const pick = (inFold: boolean) => data.labels.flatMap((_, i) => ((foldOf[i] === f) === inFold ? [i] : []));
    const [fit, held] = [pick(false), pick(true)];
    const sub = (rows: number[]) => ({
      textLogProbs: rows.map((i) => data.textLogProbs[i]),
      imageLogProbs: rows.map((i) => data.imageLogProbs[i]),
      labels: rows.map((i) => data.labels[i]),
    });
    const layer = await trainFusion(sub(fit), options);
    const probs = fusionProbsFromLogProbs(layer, sub(held));
    held.forEach((row, k) => (predicted[row] = argmax(probs[k])));
  }
  return predicted;
}

export function runSummaryLines(run: Awaited<ReturnType<typeof trainAll>>['run']): string[] {
  const fmt = (s: { balancedAccuracy: number; accuracy: number; macroF1: number }) =>
    `bal.acc ${s.balancedAccuracy.toFixed(3)}  acc ${s.accuracy.toFixed(3)}  macro-F1 ${s.macroF1.toFixed(3)}`;
  const lines = [`model version ${run.version}, ${run.seconds.total} s`];
  for (const part of ['validation', 'test'] as const) {
    const figures = run[part];
    if (figures) for (const head of ['fusion', 'text', 'image'] as const) lines.push(`${part.padEnd(10)} ${head.padEnd(6)} ${fmt(figures[head])}`);
  }
  const mb = (b: number) => `${(b / 1e6).toFixed(2)} MB`;
  lines.push(`ONNX files the Worker loads: ${mb(run.sizes.onnxTotal)} (${Object.entries(run.sizes.onnx).map(([f, b]) => `${f} ${mb(b)}`).join(', ')}); with tokenizer files ${mb(run.sizes.total)}`);
  return lines;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: sharedPaths().dataset },
      out: { type: 'string', default: ARTIFACTS_DIR },
      cache: { type: 'string', default: join(PROJECT_ROOT, 'models', 'cache') },
      epochs: { type: 'string' },
      'bigram-buckets': { type: 'string' },
      'image-hidden': { type: 'string', default: IMAGE_HEAD.hidden.join(',') },
      'secondary-genres': { type: 'string', default: String(SECONDARY_GENRES) },
      seed: { type: 'string' },
      'no-evaluate': { type: 'boolean', default: false },
    },
  });
  const secondaryGenres = Number(values['secondary-genres']);
  if (values['secondary-genres'].trim() === '' || !(secondaryGenres >= 0 && secondaryGenres <= 1)) {
    throw new UsageError(`--secondary-genres must be a number from 0 to 1, got "${values['secondary-genres']}"`);
  }
  const { run } = await trainAll({
    data: resolve(values.data),
    out: resolve(values.out),
    cache: resolve(values.cache),
    epochs: integer('epochs', values.epochs, 30, 1, 1000),
    bigramBuckets: integer('bigram-buckets', values['bigram-buckets'], DEFAULT_TEXT_CONFIG.bigramBuckets, 0, 1 << 24),
    imageHidden: values['image-hidden'].split(',').filter(Boolean).map((size) => integer('image-hidden', size, 0, 1, 4096)),
    secondaryGenres,
    seed: integer('seed', values.seed, 42, 0, 2 ** 31 - 1),
    evaluate: !values['no-evaluate'],
    progress: process.stderr.isTTY,
  });
  console.log(runSummaryLines(run).join('\n'));
}

await runMain(import.meta.url, main);
