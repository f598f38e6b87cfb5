import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SingleBar, Presets } from 'cli-progress';
import { ImageInputError } from '../src/shared/imageDecode';
import { confusionSvg } from './confusionSvg';
import { loadDataset, type Movie } from './dataset';
import { argmax, computeMetrics, type Metrics } from './metrics';
import { ARTIFACTS_DIR } from './modelFiles';
import { NodePredictor } from './nodePredictor';
import { sharedPaths } from './paths';
import { readSplit } from './split';
import { runMain } from './cli';

export interface EvaluationReport {
  modelVersion: string;
  data: string;
  /** Which rows were evaluated: the test split when `data` is the training dataset, else every row. */
  rows: 'test split' | 'all';
  movies: number;
  skipped: { emptyOverview: number; missingPoster: number; undecodablePoster: number };
  fusion: Metrics;
  text: Metrics;
  image: Metrics;
}

const HEADS = ['fusion', 'text', 'image'] as const;

/**
 * Run the exported ONNX models (onnxruntime-node, the Worker's preprocessing) over a dataset folder.
 * On the training dataset only its test split counts (split.json next to the models decides).
 */
export async function evaluateDataset(dataDir: string, options: { artifactsDir?: string; trainingData?: string; progress?: boolean } = {}): Promise<EvaluationReport> {
  const artifactsDir = options.artifactsDir ?? ARTIFACTS_DIR;
  const all = await loadDataset(dataDir);
  const isTrainingData = resolve(dataDir) === resolve(options.trainingData ?? sharedPaths().dataset);
  const testIds = isTrainingData ? new Set((await readSplit(join(artifactsDir, 'split.json'))).test) : undefined;
  const movies = testIds ? all.filter((m) => testIds.has(m.tmdbId)) : all;

  const predictor = await NodePredictor.load({ artifactsDir, threads: 2 });
  const results = { fusion: [], text: [], image: [] } as Record<(typeof HEADS)[number], { movie: Movie; predicted: number }[]>;
  const skipped = { emptyOverview: 0, missingPoster: 0, undecodablePoster: 0 };
  const bar = options.progress ? new SingleBar({ format: 'evaluate [{bar}] {value}/{total} {eta_formatted} left' }, Presets.shades_classic) : undefined;
  bar?.start(movies.length, 0);
  for (const movie of movies) {
    const plot = movie.overview || undefined;
    if (!plot) skipped.emptyOverview++;
    let poster = existsSync(movie.posterPath) ? new Uint8Array(await readFile(movie.posterPath)) : undefined;
    if (!poster) skipped.missingPoster++;
    let probs;
    try {
      probs = await predictor.predict({ plot, poster });
    } catch (err) {
      if (!(err instanceof ImageInputError)) throw err;
      skipped.undecodablePoster++;
      poster = undefined;
      probs = await predictor.predict({ plot });
    }
    for (const head of HEADS) if (probs[head]) results[head].push({ movie, predicted: argmax(probs[head]) });
    bar?.increment();
  }
  bar?.stop();
  await predictor.release();

  const metrics = (rows: { movie: Movie; predicted: number }[]) =>
    computeMetrics(
      rows.map((r) => r.movie.label),
      rows.map((r) => r.predicted),
      rows.map((r) => r.movie.posterSource),
    );
  return {
    modelVersion: predictor.manifest.version,
    data: dataDir,
    rows: testIds ? 'test split' : 'all',
    movies: movies.length,
    skipped,
    fusion: metrics(results.fusion),
    text: metrics(results.text),
    image: metrics(results.image),
  };
}

export const reportSvg = (report: EvaluationReport) =>
  confusionSvg([
    [`Fusion (${report.rows})`, report.fusion],
    ['Text only', report.text],
    ['Image only', report.image],
  ]);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: sharedPaths().dataset },
      out: { type: 'string' },
      artifacts: { type: 'string', default: ARTIFACTS_DIR },
      svg: { type: 'string' },
    },
  });
  const report = await evaluateDataset(values.data, { artifactsDir: values.artifacts, progress: process.stderr.isTTY });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  if (values.out) {
    await writeFile(values.out, json);
    await writeFile(values.svg ?? values.out.replace(/\.json$/, '') + '.svg', reportSvg(report));
    console.error(`wrote ${values.out} (${report.movies} movies, ${report.rows})`);
  } else {
    process.stdout.write(json);
    if (values.svg) await writeFile(values.svg, reportSvg(report));
  }
}

await runMain(import.meta.url, main);
