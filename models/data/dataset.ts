import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { GENRES, genreIndex } from '../../src/shared/labels';

/** One movie of a dataset folder (`manifest.csv` + `posters/`), keyed by its TMDB id everywhere. */
export interface Movie {
  tmdbId: number;
  title: string;
  year: number | null;
  overview: string;
  /** Index into GENRES. */
  label: number;
  /** TMDB genre names in TMDB's order (the label is the class of the first); may be empty. */
  genres: string[];
  /** Absolute path of the poster file (it may be missing or undecodable: feature extraction reports that). */
  posterPath: string;
  posterSource: string;
}

const rowSchema = z.object({
  tmdb_id: z.coerce.number().int().positive(),
  title: z.string(),
  year: z.string().optional(),
  overview: z.string(),
  label: z.enum(GENRES),
  genres: z.string().default(''),
  poster: z.string(),
  poster_source: z.string(),
});

/** The folder's manifest: `manifest.csv`, or `manifest.csv.gz` (the text-only set ships compressed). */
export function manifestFile(dir: string): string {
  const plain = join(dir, 'manifest.csv');
  return existsSync(plain) || !existsSync(`${plain}.gz`) ? plain : `${plain}.gz`;
}

/** Read a dataset folder's manifest in the shared format; rows are validated and duplicate ids refused. */
export async function loadDataset(dir: string): Promise<Movie[]> {
  const file = manifestFile(dir);
  const bytes = await readFile(file);
  const text = (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  // `bom`: a CSV saved by Excel starts with one, which would otherwise become part of the first column's name.
  const rows: unknown[] = parse(text, { columns: true, skip_empty_lines: true, bom: true, info: true });
  const seen = new Set<number>();
  return rows.map((entry) => {
    const { record, info } = entry as { record: unknown; info: { lines: number } };
    const where = `${file} line ${info.lines}`;
    const parsed = rowSchema.safeParse(record);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`${where}: column ${issue?.path.join('.')}: ${issue?.message}`);
    }
    const row = parsed.data;
    if (seen.has(row.tmdb_id)) throw new Error(`${where}: tmdb_id ${row.tmdb_id} appears twice`);
    seen.add(row.tmdb_id);
    return {
      tmdbId: row.tmdb_id,
      title: row.title,
      year: Number.parseInt(row.year ?? '', 10) || null,
      overview: row.overview.trim(),
      label: genreIndex(row.label),
      genres: row.genres.split('|').filter(Boolean),
      posterPath: join(dir, row.poster || `posters/${row.tmdb_id}.jpg`),
      posterSource: row.poster_source || 'unknown',
    };
  });
}
