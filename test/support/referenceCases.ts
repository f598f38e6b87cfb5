import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeImage } from '../../src/shared/imageDecode';
import type { ReferenceCase } from '../worker/provided';
import { loadDataset } from '../../models/data/dataset';
import { readSplit } from '../../models/data/split';
import { loadNodeClassifier } from '../../models/evaluate/nodeClassifier';
import { ARTIFACTS_DIR, sharedPaths } from '../../models/paths';

/** A few test-split movies with what the offline path (onnxruntime-node) answers for them, head by head. */
export async function referenceCases(count = 3): Promise<ReferenceCase[]> {
  const split = await readSplit(join(ARTIFACTS_DIR, 'split.json'));
  const wanted = new Set(split.test.slice(0, count));
  const movies = (await loadDataset(sharedPaths().dataset)).filter((m) => wanted.has(m.tmdbId));
  const classifier = await loadNodeClassifier();
  try {
    const cases: ReferenceCase[] = [];
    for (const movie of movies) {
      const poster = new Uint8Array(await readFile(movie.posterPath));
      const { text, image, fusion } = await classifier.heads({ plot: movie.overview, image: await decodeImage(poster) });
      if (!fusion || !text || !image) throw new Error(`reference movie ${movie.tmdbId} lacks a head's output`);
      cases.push({ title: movie.title, plot: movie.overview, poster: Buffer.from(poster).toString('base64'), heads: { fusion, text, image } });
    }
    return cases;
  } finally {
    await classifier.release();
  }
}
