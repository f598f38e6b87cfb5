import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SingleBar, Presets } from 'cli-progress';
import { ImageInputError } from '../src/shared/imageError';
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
  /**
   * Which rows were scored: every row the models never trained or early-stopped on. On the training
   * dataset that is its test split; on another folder, every row but those that are also in the training data.
   */
  rows: 'test split' | 'all' | 'unseen';
  movies: number;
  /** Rows left out because their tmdb_id is in the models' train or validation split. */
  seenInTraining: number;
  skipped: { emptyOverview: number; missingPoster: number; undecodablePoster: number };
  fusion: Metrics;
  text: Metrics;
  image: Metrics;
}

const HEADS = ['fusion', 'text', 'image'] as const;

/**
 * Run the exported ONNX models (onnxruntime-node, the Worker's preprocessing) over a dataset folder.
 * Movies the models trained or early-stopped on (by tmdb_id, from split.json next to the models) are
 * left out wherever they appear, so no folder can score the models on what they learnt from.
 */
export async function evaluateDataset(dataDir: string, options: { artifactsDir?: string; progress?: boolean } = {}): Promise<EvaluationReport> {
  const artifactsDir = options.artifactsDir ?? ARTIFACTS_DIR;
  const all = await loadDataset(dataDir);
  const splitPath = join(artifactsDir, 'split.json');
  if (!existsSync(splitPath)) throw new Error(`${splitPath} not found: evaluate needs the models' split to leave out the movies they trained on`);
  const split = await readSplit(splitPath);
  const seen = new Set([...split.train, ...split.validation]);
  const movies = all.filter((m) => !seen.has(m.tmdbId));
  const test = new Set(split.test);
  const rows = movies.length === all.length ? 'all' : movies.length === test.size && movies.every((m) => test.has(m.tmdbId)) ? 'test split' : 'unseen';

  const predictor = await NodePredictor.load({ artifactsDir, threads: 2 });
  const results = { fusion: [], text: [], image: [] } as Record<(typeof HEADS)[number], { movie: Movie; predicted: number }[]>;
  const skipped = { emptyOverview: 0, missingPoster: 0, undecodablePoster: 0 };
  const bar = options.progress ? new SingleBar({ format: 'evaluate [{bar}] {value}/{total} {eta_formatted} left' }, Presets.shades_classic) : undefined;
  bar?.start(movies.length, 0);
  for (const movie of movies) {
    const plot = movie.overview || undefined;
    const poster = existsSync(movie.posterPath) ? new Uint8Array(await readFile(movie.posterPath)) : undefined;
    if (!poster) skipped.missingPoster++;
    let probs;
    try {
      probs = await predictor.predict({ plot, poster });
    } catch (err) {
      if (!(err instanceof ImageInputError)) throw err;
      skipped.undecodablePoster++;
      probs = await predictor.predict({ plot });
    }
    // An overview without any WordPiece (e.g. only a zero-width space) gets no text prediction either.
    if (!probs.text) skipped.emptyOverview++;
    for (const head of HEADS) if (probs[head]) results[head].push({ movie, predicted: argmax(probs[head]) });
    bar?.increment();
  }
  bar?.stop();
  await predictor.release();

  const metrics = (scored: { movie: Movie; predicted: number }[]) =>
    computeMetrics(
      scored.map((r) => r.movie.label),
      scored.map((r) => r.predicted),
      scored.map((r) => r.movie.posterSource),
    );
  return {
    modelVersion: predictor.manifest.version,
    data: dataDir,
    rows,
    movies: movies.length,
    seenInTraining: all.length - movies.length,
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
    console.error(`wrote ${values.out} (${report.movies} movies, ${report.rows}; ${report.seenInTraining} left out as seen in training)`);
  } else {
    process.stdout.write(json);
    if (values.svg) await writeFile(values.svg, reportSvg(report));
  }
}

await runMain(import.meta.url, main);
