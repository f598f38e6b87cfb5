import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { probeImage } from '../../src/shared/imageDecode';
import { GENRES, TMDB_GENRES } from '../../src/shared/labels';
import { wrangler } from '../publish/publish';

/** The feedback bucket's name (wrangler.toml's FEEDBACK binding), for `wrangler r2 object get`. */
export const FEEDBACK_BUCKET = 'genre-feedback';

/**
 * Corrections have no TMDB id; the shared format needs one, unique and apart from real TMDB ids (about
 * 1.6 million of them today): a correction's id plus this.
 */
export const FEEDBACK_ID_OFFSET = 1_000_000_000;

/** The columns of `../shared/data/movies/manifest.csv`, in its order. */
const COLUMNS = ['tmdb_id', 'imdb_id', 'title', 'year', 'overview', 'genres', 'label', 'poster', 'poster_source', 'text_source'] as const;

const feedbackRow = z.object({
  id: z.number().int().positive(),
  plot: z.string().nullable(),
  poster_sha256: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  genre: z.enum(GENRES),
  tmdb_genres: z.string().nullable(),
});

export interface ExportOptions {
  out: string;
  /** The deployed database and bucket instead of the local ones `npm run dev` uses. */
  remote?: boolean;
  /** The local state folder (wrangler's --persist-to), when not the default `.wrangler/state`. */
  persistTo?: string;
  log?: (line: string) => void;
}

const EXTENSIONS: Record<string, string> = { jpeg: 'jpg', png: 'png', webp: 'webp', bmp: 'bmp' };

/**
 * Write the stored corrections as a data folder in the format of `../shared/data/movies`: `manifest.csv`
 * (label = the corrected genre, genres = the TMDB genres given, text_source = feedback) and `posters/`.
 * Through wrangler, so that the local and the deployed database are read the same way.
 */
export async function exportFeedback(options: ExportOptions): Promise<{ rows: number; posters: number }> {
  const log = options.log ?? console.log;
  const target = options.remote ? ['--remote'] : ['--local', ...(options.persistTo ? ['--persist-to', options.persistTo] : [])];
  const out = await wrangler(['d1', 'execute', 'DB', ...target, '--json', '--command', 'SELECT id, plot, poster_sha256, genre, tmdb_genres FROM feedback ORDER BY id']);
  const rows = z.array(feedbackRow).parse((JSON.parse(out) as { results: unknown[] }[])[0].results);
  await mkdir(join(options.out, 'posters'), { recursive: true });
  const records: string[][] = [];
  let posters = 0;
  for (const row of rows) {
    const tmdbId = FEEDBACK_ID_OFFSET + row.id;
    let poster = '';
    if (row.poster_sha256) {
      const downloaded = join(options.out, 'posters', `${tmdbId}.download`);
      await wrangler(['r2', 'object', 'get', `${FEEDBACK_BUCKET}/posters/${row.poster_sha256}`, ...target, '--file', downloaded]);
      // Named by what the bytes are (the store checked they are an image).
      poster = `posters/${tmdbId}.${EXTENSIONS[probeImage(new Uint8Array(await readFile(downloaded))).format]}`;
      await rename(downloaded, join(options.out, poster));
      posters++;
    }
    const tmdbGenres = row.tmdb_genres ? z.array(z.enum(TMDB_GENRES)).parse(JSON.parse(row.tmdb_genres)) : [];
    const values: Record<(typeof COLUMNS)[number], string | number> = {
      tmdb_id: tmdbId,
      imdb_id: '',
      title: '',
      year: '',
      overview: row.plot ?? '',
      genres: tmdbGenres.join('|'),
      label: row.genre,
      poster,
      poster_source: poster ? 'feedback' : '',
      text_source: 'feedback',
    };
    records.push(COLUMNS.map((c) => String(values[c])));
  }
  await writeFile(join(options.out, 'manifest.csv'), stringify([[...COLUMNS], ...records]));
  log(`wrote ${rows.length} corrections (${posters} with a poster) from the ${options.remote ? 'deployed' : 'local'} database to ${options.out}`);
  return { rows: rows.length, posters };
}
