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
import { argmax, computeMetrics } from './metrics';
import { loadNodeClassifier } from './nodeClassifier';
import { othersTop3 } from './tmdbMetrics';

const HEADS = ['fusion', 'text', 'image'] as const;

async function readPoster(movie: Movie): Promise<RgbaImage | 'missing' | 'undecodable'> {
  if (!existsSync(movie.posterPath)) return 'missing';
  try {
    return await decodeImage(await readFile(movie.posterPath));
  } catch (err) {
    if (err instanceof ImageInputError) return 'undecodable';
    throw err;
  }
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

  const classifier = await loadNodeClassifier({ artifactsDir, threads: 2 });
  const results = { fusion: [], text: [], image: [] } as Record<(typeof HEADS)[number], { movie: Movie; out: HeadOutput }[]>;
  const skipped = { noWords: 0, missingPoster: 0, undecodablePoster: 0 };
  const bar = options.progress ? new SingleBar({ format: 'evaluate [{bar}] {value}/{total} {eta_formatted} left' }, Presets.shades_classic) : undefined;
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
        // A plot without a word the model knows gets no text or fusion answer; the poster is still scored.
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

  const scored = (head: (typeof HEADS)[number]) => results[head];
  const metrics = (head: (typeof HEADS)[number]) =>
    computeMetrics(
      scored(head).map((r) => r.movie.label),
      scored(head).map((r) => argmax(r.out.probs)),
      scored(head).map((r) => r.movie.posterSource),
    );
  const others = (head: (typeof HEADS)[number]) =>
    othersTop3(
      scored(head).map((r) => r.out.tmdbProbs),
      scored(head).map((r) => tmdbGenreIndexes(r.movie.genres)),
      scored(head).map((r) => r.movie.label),
    );
  return {
    modelVersion: classifier.manifest.version,
    data: dataDir,
    rows,
    movies: movies.length,
    seenInTraining: all.length - movies.length,
    skipped,
    fusion: metrics('fusion'),
    text: metrics('text'),
    image: metrics('image'),
    othersTop3: { fusion: others('fusion'), text: others('text'), image: others('image') },
  };
}

export const reportSvg = (report: EvaluationReport) =>
  confusionSvg([
    [`Fusion (${report.rows})`, report.fusion],
    ['Text only', report.text],
    ['Image only', report.image],
  ]);
