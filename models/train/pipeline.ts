import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import { tmdbGenreIndexes } from '../../src/shared/labels';
import type { PlotFeatures } from '../../src/shared/plotFeatures';
import { DEFAULT_CONFIG, type TrainConfig } from '../config';
import { loadDataset, type Movie } from '../data/dataset';
import { hasPosterFile, loadExtraRows, unseenRows } from '../data/extraRows';
import { stratifiedSplit, writeSplit } from '../data/split';
import { saveManifest, servedSizes, writeArtifacts } from '../export/artifacts';
import { fusionHeadOnnx, imageHeadOnnx, textModelOnnx, type ImageHeadWeights, type TextModelWeights } from '../export/graphs';
import { argmax, computeMetrics, summary } from '../evaluate/metrics';
import { othersTop3 } from '../evaluate/tmdbMetrics';
import { calibration } from '../evaluate/calibration';
import { evaluateDataset, HEADS, reportSvg, type Head } from '../evaluate/evaluate';
import { FINAL_FEATURES, IMAGE_DIM, writeFeatureEncoder } from '../features/featureEncoder';
import { extractImageFeatures } from '../features/imageFeatures';
import { bagOutputs, logSoftmax, trainBagModel, type BagModel, type BagOutputs, type SparseRow } from './bagModel';
import { betterChoice, chooseRule, genrePrior, ruleBias } from './decisionRule';
import { fitFusion, fusedGenreLogits, fusedTmdbLogits, summedGenres, type FusionInputs } from './fusion';
import { imageRow, standardiser } from './imageHead';
import { dequantizeRows, quantizeRows } from './quantize';
import { crossFit } from './crossFit';
import { chooseTopLabelMap } from './topLabel';
import { fitIdf, plotsFeatures, tfidfRow } from './textModel';

export interface TrainArgs {
  /** Dataset folder with posters (train, validation and test splits). */
  data: string;
  /** Text-only dataset folder whose plots join the text model's training rows; undefined for none. */
  textData?: string;
  /** Folders of extra rows (models/data/extraRows.ts): their plots and posters join the training split only. */
  extra?: string[];
  out: string;
  cache: string;
  seed: number;
  config?: TrainConfig;
  /** Also evaluate the exported ONNX models on the test split. */
  evaluate: boolean;
  progress: boolean;
  log?: (line: string) => void;
}

const byIds = <T>(ids: number[], map: Map<number, T>) => ids.map((id) => map.get(id)!);
const logits = (rows: Float32Array[], bias: Float32Array) => rows.map((r) => r.map((v, c) => v + bias[c]));

/** The whole pipeline: data -> features -> text model, image head, fusion, decision rule -> ONNX + manifest -> test evaluation. */
export async function trainAll(args: TrainArgs) {
  const log = args.log ?? console.log;
  const config = args.config ?? DEFAULT_CONFIG;
  const started = Date.now();
  const seconds: Record<string, number> = {};
  const stage = async <T>(name: string, fn: () => T | Promise<T>): Promise<T> => {
    const t = Date.now();
    const out = await fn();
    seconds[name] = Math.round((Date.now() - t) / 100) / 10;
    log(`${name}: ${seconds[name]} s`);
    return out;
  };
  await mkdir(args.out, { recursive: true });

  const { movies, textOnly, extraRows } = await stage('load data', async () => ({
    movies: await loadDataset(args.data),
    textOnly: args.textData ? await loadDataset(args.textData) : [],
    extraRows: await loadExtraRows(args.extra ?? []),
  }));
  const byId = new Map(movies.map((m) => [m.tmdbId, m]));
  const split = stratifiedSplit(movies, args.seed);
  const labelsOf = (list: Movie[]) => Int32Array.from(list, (m) => m.label);
  const tmdbOf = (list: Movie[]) => list.map((m) => tmdbGenreIndexes(m.genres));

  // Posters first: an extra row with a dataset movie's poster is that movie, and must be known before training.
  const imageEncoderPath = await writeFeatureEncoder();
  const image = await stage('poster features', () =>
    extractImageFeatures([...movies, ...extraRows.filter((m) => !byId.has(m.tmdbId) && hasPosterFile(m))], { modelPath: imageEncoderPath, params: config.image.params, cacheDir: args.cache, progress: args.progress }),
  );
  // A movie of the validation or test split must never reach training through another folder.
  const extra = unseenRows(extraRows, movies, image.posterSha);
  const textRows = unseenRows(textOnly, [...movies, ...extra.kept], image.posterSha).kept;

  // Text: every plot's hashed n-grams; TF-IDF weights from the training plots (train split, text-only and extra rows).
  const plotted = [...movies, ...textRows, ...extra.kept];
  const plots = await stage('plot features', () => featuresWithProgress(plotted, config, args.progress));
  const plotOf = new Map(plotted.map((m, i) => [m.tmdbId, plots[i]]));
  const hasWords = (m: Movie) => plotOf.get(m.tmdbId)!.ids.length > 0;
  const textTrain = [...byIds(split.train, byId), ...textRows, ...extra.kept].filter(hasWords);
  const textVal = byIds(split.validation, byId).filter(hasWords);
  const idf = fitIdf(textTrain.map((m) => plotOf.get(m.tmdbId)!), config.text.features.buckets, config.text.minDf);
  const textRow = (m: Movie): SparseRow => tfidfRow(plotOf.get(m.tmdbId)!, idf);
  const score = (lp: Float32Array[], labels: Int32Array) => computeMetrics([...labels], lp.map(argmax)).balancedAccuracy;
  // Without a progress bar (a log, CI), one line per epoch says the run is alive and how it goes.
  const epochLog = (name: string) => (args.progress ? undefined : (epoch: number, s: number) => log(`${name} epoch ${epoch}: validation balanced accuracy ${s.toFixed(4)}`));

  const textRun = await stage('train text model', () =>
    trainBagModel(
      { rows: textTrain.map(textRow), labels: labelsOf(textTrain), tmdbGenres: tmdbOf(textTrain) },
      { rows: textVal.map(textRow), labels: labelsOf(textVal) },
      config.text.features.buckets,
      { ...config.text.model, seed: config.text.model.seed + args.seed },
      { name: 'text model', progress: args.progress, score, onEpoch: epochLog('text model') },
    ),
  );
  // Served as int8 (quantize.ts): everything downstream fits and scores the weights the Worker will run.
  const textBag: BagModel = { ...textRun.model, table: dequantizeRows(quantizeRows(textRun.model.table, textRun.model.dim), textRun.model.dim) };
  const text: TextModelWeights = { idf, bag: textBag };

  // Image: a bag model over the standardised MobileNetV2 features (train split and extra rows).
  const decoded = (list: Movie[]) => list.filter((m) => image.byId.has(m.tmdbId));
  const withPoster = (ids: number[]) => decoded(byIds(ids, byId));
  const headInputs = config.image.features === 'all' ? IMAGE_DIM : FINAL_FEATURES;
  const posterFeatures = (m: Movie) => image.byId.get(m.tmdbId)!.subarray(0, headInputs);
  const imageTrain = [...withPoster(split.train), ...decoded(extra.kept)];
  const imageVal = withPoster(split.validation);
  for (const [what, rows] of [['train split with a plot', textTrain], ['validation split with a plot', textVal], ['train split with a poster', imageTrain], ['validation split with a poster', imageVal]] as const) {
    if (rows.length === 0) throw new Error(`${args.data}: no movie in the ${what}; every head needs some`);
  }
  const scaling = standardiser(imageTrain.map(posterFeatures));
  const posterRow = (m: Movie) => imageRow(posterFeatures(m), scaling);
  const imageRun = await stage('train image head', () =>
    trainBagModel(
      { rows: imageTrain.map(posterRow), labels: labelsOf(imageTrain), tmdbGenres: tmdbOf(imageTrain) },
      { rows: imageVal.map(posterRow), labels: labelsOf(imageVal) },
      headInputs,
      { ...config.image.head, seed: config.image.head.seed + args.seed },
      { name: 'image head', progress: args.progress, score, onEpoch: epochLog('image head') },
    ),
  );
  const imageHead: ImageHeadWeights = { ...scaling, bag: imageRun.model };

  // Each head's outputs on its validation movies, read by the fusion and the calibration. The fusion and the
  // decision rule are fitted on the validation movies that have both inputs: the heads never trained on them.
  const textOut = bagOutputs(textBag, textVal.map(textRow));
  const imageOut = bagOutputs(imageRun.model, imageVal.map(posterRow));
  const outputOf = (list: Movie[], out: BagOutputs[]) => {
    const byMovie = new Map(list.map((m, i) => [m.tmdbId, out[i]]));
    return (m: Movie) => byMovie.get(m.tmdbId)!;
  };
  const fusionVal = textVal.filter((m) => image.byId.has(m.tmdbId));
  const fusionData = fusionInputs(fusionVal.map(outputOf(textVal, textOut)), fusionVal.map(outputOf(imageVal, imageOut)), labelsOf(fusionVal), tmdbOf(fusionVal));
  const fitted = await stage('fit fusion', () => fitFusion(fusionData, config.fusion));
  const crossFitted = crossFitFusion(fusionData, config);
  // Two ways to fuse the genres, each with its own decision rule: the fitted regression (its cross-fitted
  // logits) and the plain sum of the heads' log-probabilities. Validation picks; a tie goes to the sum,
  // which fits nothing. The TMDB genres always use the fitted per-genre blend.
  const prior = genrePrior(labelsOf(byIds(split.train, byId)));
  const summed = fusionData.textLogProbs.map((t, r) => t.map((v, c) => v + fusionData.imageLogProbs[r][c]));
  const candidates = {
    fitted: { logits: crossFitted.genres, ...chooseRule(crossFitted.genres, fusionData.labels, prior, config.rule.betas, config.rule.minMacroF1) },
    summed: { logits: summed, ...chooseRule(summed, fusionData.labels, prior, config.rule.betas, config.rule.minMacroF1) },
  };
  const fusionKind = betterChoice(['fitted', candidates.fitted], ['summed', candidates.summed]);
  const choice = candidates[fusionKind];
  const fusion = fusionKind === 'fitted' ? fitted : { ...fitted, genres: summedGenres() };
  const bias = ruleBias(choice.rule);

  // Calibration: each answer's top genre probability goes through a top-label map fitted on its validation
  // answers (topLabel.ts, docs/decisions/model-calibration.md), the kind chosen by cross-fitted ECE. The
  // ranking stays, so the decision rule's answers and balanced accuracy stay as they are. The text and image
  // maps apply to those answers only: the fusion reads the heads' own log-probabilities.
  const probabilities = (ruled: Float32Array[]) => ruled.map((l) => logSoftmax(l).map(Math.exp));
  const answers = {
    fusion: { list: fusionVal, ruled: logits(choice.logits, bias), tmdb: crossFitted.tmdb },
    text: { list: textVal, ruled: logits(textOut.map((o) => o.genreLogProbs), bias), tmdb: textOut.map((o) => o.tmdbLogits) },
    image: { list: imageVal, ruled: logits(imageOut.map((o) => o.genreLogProbs), bias), tmdb: imageOut.map((o) => o.tmdbLogits) },
  };
  const eachAnswer = <T>(fn: (a: (typeof answers)[Head], head: Head) => T) => Object.fromEntries(HEADS.map((h) => [h, fn(answers[h], h)])) as Record<Head, T>;
  const topLabel = await stage('fit calibration', () => eachAnswer(({ list, ruled }) => chooseTopLabelMap(probabilities(ruled), labelsOf(list), config.fusion)));
  const calibrationOf = (probs: Float32Array[], list: Movie[]) => {
    const { ece, nll } = calibration(probs, labelsOf(list));
    return { ece, nll };
  };

  // Validation figures of the served answers; the calibration's are cross-fitted (5 folds).
  const validation = eachAnswer(({ list, ruled, tmdb }, head) => {
    const { ece, nll } = topLabel[head].tried.find((t) => t.kind === topLabel[head].map.kind)!;
    return {
      ...summary(computeMetrics([...labelsOf(list)], ruled.map(argmax))),
      othersTop3: othersTop3(tmdb, tmdbOf(list), labelsOf(list)),
      ece,
      nll,
      ...(head === 'fusion' && { note: `${fusionKind} genre fusion; what is fitted on validation is 5-fold cross-fitted` }),
    };
  });
  const uncalibrated = eachAnswer(({ list, ruled }) => calibrationOf(probabilities(ruled), list));
  log(`validation ${JSON.stringify(validation)}`);
  log(`fusion: ${fusionKind}, decision rule beta ${choice.rule.beta} (tried: ${JSON.stringify({ fitted: candidates.fitted.tried, summed: candidates.summed.tried })})`);
  log(`calibration: ${JSON.stringify(eachAnswer((_, h) => topLabel[h].tried))}`);

  // Nothing goes into the output folder before training has succeeded: a failed or interrupted run leaves the
  // previous split, models and report there as they were, still describing one another.
  const manifest = await stage('export', async () => {
    await Promise.all(['evaluation.json', 'confusion.svg'].map((f) => rm(join(args.out, f), { force: true })));
    await writeSplit(join(args.out, 'split.json'), split);
    return writeArtifacts(
      args.out,
      {
        textModel: textModelOnnx(text, { ruleBias: bias, topLabel: topLabel.text.map }),
        imageHead: imageHeadOnnx(imageHead, { ruleBias: bias, topLabel: topLabel.image.map }),
        fusionHead: fusionHeadOnnx(text, imageHead, fusion, { ruleBias: bias, topLabel: topLabel.fusion.map }),
      },
      { features: config.text.features, dim: config.text.model.dim },
      { ...config.image.params, dim: IMAGE_DIM },
      choice.rule,
      eachAnswer((_, h) => topLabel[h].map.kind),
    );
  });

  let test;
  if (args.evaluate) {
    const report = await stage('evaluate test split (ONNX)', () => evaluateDataset(args.data, { artifactsDir: args.out, progress: args.progress }));
    await writeFile(join(args.out, 'evaluation.json'), `${JSON.stringify(report, null, 2)}\n`);
    await writeFile(join(args.out, 'confusion.svg'), reportSvg(report));
    test = Object.fromEntries(HEADS.map((h) => [h, { ...summary(report[h]), othersTop3: report.othersTop3[h], ece: report.calibration[h].ece, nll: report.calibration[h].nll }]));
    manifest.evaluation = { split: 'test', movies: report.movies, ...test, imageBySource: report.image.bySource };
    await saveManifest(args.out, manifest);
  }

  const run = {
    version: manifest.version,
    command: ['npm run train', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
    seconds: { ...seconds, total: Math.round((Date.now() - started) / 1000) },
    data: {
      movies: movies.length,
      textOnlyMovies: textRows.length,
      extra: { folders: args.extra ?? [], rows: extraRows.length, leftOut: extra.leftOut, textRows: extra.kept.filter(hasWords).length, posterRows: decoded(extra.kept).length },
      withoutWords: movies.filter((m) => !hasWords(m)).map((m) => m.tmdbId),
      posterProblems: image.problems,
      imageFeaturesFromCache: image.cached,
      split: { train: split.train.length, validation: split.validation.length, test: split.test.length },
      textTrainingRows: textTrain.length,
      imageTrainingRows: imageTrain.length,
    },
    config,
    seed: args.seed,
    epochs: { text: textRun.result, image: imageRun.result },
    fusion: { kind: fusionKind, tried: { fitted: candidates.fitted.tried, summed: candidates.summed.tried } },
    rule: choice.rule,
    calibration: { ...eachAnswer((_, h) => ({ kind: topLabel[h].map.kind, tried: topLabel[h].tried })), uncalibratedValidation: uncalibrated },
    validation,
    test,
    sizes: servedSizes(manifest),
  };
  await writeFile(join(args.out, 'training.json'), `${JSON.stringify(run, null, 2)}\n`);
  return { manifest, run, text, imageHead, fusion, rule: choice.rule, topLabel: eachAnswer((_, h) => topLabel[h].map) };
}

function featuresWithProgress(movies: Movie[], config: TrainConfig, progress: boolean): PlotFeatures[] {
  const bar = progress ? new SingleBar({ format: 'plot features [{bar}] {value}/{total} {eta_formatted} left' }, Presets.shades_classic) : undefined;
  bar?.start(movies.length, 0);
  const out: PlotFeatures[] = [];
  for (let s = 0; s < movies.length; s += 5000) {
    out.push(...plotsFeatures(movies.slice(s, s + 5000).map((m) => m.overview), config.text.features));
    bar?.update(out.length);
  }
  bar?.stop();
  return out;
}

function fusionInputs(text: BagOutputs[], image: BagOutputs[], labels: Int32Array, tmdbGenres: number[][]): FusionInputs {
  return {
    textLogProbs: text.map((o) => o.genreLogProbs),
    imageLogProbs: image.map((o) => o.genreLogProbs),
    textTmdbLogits: text.map((o) => o.tmdbLogits),
    imageTmdbLogits: image.map((o) => o.tmdbLogits),
    labels,
    tmdbGenres,
  };
}

/** Out-of-fold fusion logits on the validation rows, for honest validation figures. */
function crossFitFusion(data: FusionInputs, config: TrainConfig): { genres: Float32Array[]; tmdb: Float32Array[] } {
  const sub = (rows: number[]): FusionInputs => ({
    textLogProbs: rows.map((i) => data.textLogProbs[i]),
    imageLogProbs: rows.map((i) => data.imageLogProbs[i]),
    textTmdbLogits: rows.map((i) => data.textTmdbLogits[i]),
    imageTmdbLogits: rows.map((i) => data.imageTmdbLogits[i]),
    labels: Int32Array.from(rows, (i) => data.labels[i]),
    tmdbGenres: rows.map((i) => data.tmdbGenres[i]),
  });
  const out = crossFit(data.labels, (fit, held) => {
    const layer = fitFusion(sub(fit), config.fusion);
    const heldData = sub(held);
    const t = fusedTmdbLogits(layer, heldData);
    return fusedGenreLogits(layer, heldData).map((genres, k) => ({ genres, tmdb: t[k] }));
  });
  return { genres: out.map((o) => o.genres), tmdb: out.map((o) => o.tmdb) };
}

/** The run's headline figures, for the console. */
export function runSummaryLines(run: Awaited<ReturnType<typeof trainAll>>['run']): string[] {
  type Figures = { balancedAccuracy: number; accuracy: number; macroF1: number; othersTop3: { hitRate: number }; ece: number };
  const fmt = (s: Figures) =>
    `bal.acc ${s.balancedAccuracy.toFixed(3)}  macro-F1 ${s.macroF1.toFixed(3)}  acc ${s.accuracy.toFixed(3)}  Others top-3 ${s.othersTop3.hitRate.toFixed(3)}  ECE ${s.ece.toFixed(3)}`;
  const lines = [`model version ${run.version}, ${run.seconds.total} s; decision rule beta ${run.rule.beta}; calibration ${HEADS.map((h) => `${h} ${run.calibration[h].kind}`).join(', ')}`];
  for (const part of ['validation', 'test'] as const) {
    const figures = run[part] as Record<string, Figures> | undefined;
    if (figures) for (const head of ['fusion', 'text', 'image']) lines.push(`${part.padEnd(10)} ${head.padEnd(6)} ${fmt(figures[head])}`);
  }
  const mb = (b: number) => `${(b / 1e6).toFixed(2)} MB`;
  lines.push(`files the Worker loads: ${mb(run.sizes.total)} (${Object.entries(run.sizes.files).map(([f, b]) => `${f} ${mb(b)}`).join(', ')})`);
  return lines;
}
