import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReferenceCase } from '../worker/provided';
import { loadDataset } from '../../models/dataset';
import { ARTIFACTS_DIR } from '../../models/modelFiles';
import { NodePredictor } from '../../models/nodePredictor';
import { sharedPaths } from '../../models/paths';
import { readSplit } from '../../models/split';

/** A few test-split movies with the probabilities the offline path (onnxruntime-node) gives them. */
export async function referenceCases(count = 3): Promise<ReferenceCase[]> {
  const split = await readSplit(join(ARTIFACTS_DIR, 'split.json'));
  const wanted = new Set(split.test.slice(0, count));
  const movies = (await loadDataset(sharedPaths().dataset)).filter((m) => wanted.has(m.tmdbId));
  const predictor = await NodePredictor.load();
  try {
    const cases: ReferenceCase[] = [];
    for (const movie of movies) {
      const poster = new Uint8Array(await readFile(movie.posterPath));
      const probs = await predictor.predict({ plot: movie.overview, poster });
      if (!probs.fusion || !probs.text || !probs.image) throw new Error(`reference movie ${movie.tmdbId} lacks a head's output`);
      cases.push({ title: movie.title, plot: movie.overview, poster: Buffer.from(poster).toString('base64'), probs: { fusion: probs.fusion, text: probs.text, image: probs.image } });
    }
    return cases;
  } finally {
    await predictor.release();
  }
}
