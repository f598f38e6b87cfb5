import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import { PlotInputError, type HeadOutput } from '../../src/shared/classifier';
import type { EvaluationReport } from '../../src/shared/evaluationReport';
import { decodeImage, type RgbaImage } from '../../src/shared/imageDecode';
import { ImageInputError } from '../../src/shared/imageError';
import { tmdbGenreIndexes } from '../../src/shared/labels';
import { loadDataset, type Movie } from '../data/dataset';
import { readSplit } from '../data/split';
import { ARTIFACTS_DIR } from '../paths';
import { confusionSvg } from './confusionSvg';
import { calibration } from './calibration';
import { argmax, computeMetrics } from './metrics';
import { loadNodeClassifier } from './nodeClassifier';
import { othersTop3 } from './tmdbMetrics';

export const HEADS = ['fusion', 'text', 'image'] as const;

export async function readPoster(movie: Movie): Promise<RgbaImage | 'missing' | 'undecodable'> {
  if (!existsSync(movie.posterPath)) return 'missing';
  try {
    return await decodeImage(await readFile(movie.posterPath));
  } catch (err) {
    if (err instanceof ImageInputError) return 'undecodable';
    throw err;
  }
}

export type Head = (typeof HEADS)[number];
export type HeadResults = Record<Head, { movie: Movie; out: HeadOutput }[]>;

/**
 * Every head's answer for each movie through the Worker's classifier. A plot without a word the model
 * knows gets no text or fusion answer, a missing or undecodable poster no image or fusion answer; both are
 * counted in `skipped`.
 */
export async function classifyMovies(movies: Movie[], options: { artifactsDir?: string; progress?: boolean } = {}) {
  const classifier = await loadNodeClassifier({ artifactsDir: options.artifactsDir ?? ARTIFACTS_DIR, threads: 2 });
  const results: HeadResults = { fusion: [], text: [], image: [] };
  const skipped = { noWords: 0, missingPoster: 0, undecodablePoster: 0 };
  const bar = options.progress ? new SingleBar({ format: 'classify [{bar}] {value}/{total} {eta_formatted} left' }, Presets.shades_classic) : undefined;
  bar?.start(movies.length, 0);
  try {
    for (const movie of movies) {
      const poster = await readPoster(movie);
      if (poster === 'missing') skipped.missingPoster++;
      if (poster === 'undecodable') skipped.undecodablePoster++;
      const image = typeof poster === 'string' ? undefined : poster;
      let heads;
      try {
        heads = await classifier.heads({ plot: movie.overview, image });
      } catch (err) {
        if (!(err instanceof PlotInputError)) throw err;
        skipped.noWords++;
        heads = await classifier.heads({ image });
      }
      for (const head of HEADS) {
        const out = heads[head];
        if (out) results[head].push({ movie, out });
      }
      bar?.increment();
    }
  } finally {
    bar?.stop();
    await classifier.release();
  }
  return { manifest: classifier.manifest, results, skipped };
}

/** The movies of one part of the split that produced the models in `artifactsDir` (split.json next to them). */
export async function splitMovies(dataDir: string, part: 'validation' | 'test', artifactsDir = ARTIFACTS_DIR): Promise<Movie[]> {
  const ids = new Set((await readSplit(join(artifactsDir, 'split.json')))[part]);
  return (await loadDataset(dataDir)).filter((m) => ids.has(m.tmdbId));
}

/**
 * Run the exported ONNX models (onnxruntime-node, the Worker's classifier) over a dataset folder. Movies
 * the models trained or early-stopped on (by tmdb_id, from split.json next to the models) are left out
 * wherever they appear, so no folder can score the models on what they learnt from.
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

  const { manifest, results, skipped } = await classifyMovies(movies, { artifactsDir, progress: options.progress });
  const labels = (head: Head) => results[head].map((r) => r.movie.label);
  const metrics = (head: Head) =>
    computeMetrics(
      labels(head),
      results[head].map((r) => argmax(r.out.probs)),
      results[head].map((r) => r.movie.posterSource),
    );
  const others = (head: Head) =>
    othersTop3(
      results[head].map((r) => r.out.tmdbProbs),
      results[head].map((r) => tmdbGenreIndexes(r.movie.genres)),
      labels(head),
    );
  const calibrationOf = (head: Head) => calibration(results[head].map((r) => r.out.probs), labels(head));
  return {
    modelVersion: manifest.version,
    data: dataDir,
    rows,
    movies: movies.length,
    seenInTraining: all.length - movies.length,
    skipped,
    fusion: metrics('fusion'),
    text: metrics('text'),
    image: metrics('image'),
    othersTop3: { fusion: others('fusion'), text: others('text'), image: others('image') },
    calibration: { fusion: calibrationOf('fusion'), text: calibrationOf('text'), image: calibrationOf('image') },
  };
}

export const reportSvg = (report: EvaluationReport) =>
  confusionSvg([
    [`Fusion (${report.rows})`, report.fusion],
    ['Text only', report.text],
    ['Image only', report.image],
  ]);
