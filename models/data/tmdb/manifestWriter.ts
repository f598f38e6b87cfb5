import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import writeFileAtomic from 'write-file-atomic';
import { GENRES, type Genre } from '../../../src/shared/labels';

/** The shared dataset's columns, in its order. */
export const MANIFEST_COLUMNS = [
  'tmdb_id',
  'imdb_id',
  'title',
  'year',
  'overview',
  'genres',
  'label',
  'poster',
  'poster_source',
  'text_source',
] as const;

export type ManifestRow = Record<(typeof MANIFEST_COLUMNS)[number], string>;

/**
 * The shared manifest is CRLF with minimal quoting (Python's csv defaults); this reproduces it byte for
 * byte. csv-stringify quotes only for its own CRLF delimiter, and Python quotes a lone \n or \r as well.
 */
const toCsv = (records: string[][]) => stringify(records, { record_delimiter: 'windows', quoted_match: /[\r\n]/ });

/**
 * `DIR/manifest.csv`: rows of an earlier run are kept, new rows are appended in memory and the
 * whole file is replaced atomically on flush, so the file on disk is always a complete CSV.
 */
export class ManifestWriter {
  private text: string;
  private pendingRows = 0;
  readonly ids = new Set<number>();
  /** Rows per label, earlier runs included (the per-class cap counts them). */
  readonly labelCounts = new Map<Genre, number>(GENRES.map((g) => [g, 0]));

  private constructor(
    private readonly path: string,
    existing: string[][],
    readonly resumedRows: number,
  ) {
    this.text = toCsv([[...MANIFEST_COLUMNS], ...existing]);
    for (const record of existing) this.track(Number(record[0]), record[6]);
  }

  static async open(outDir: string): Promise<ManifestWriter> {
    const path = join(outDir, 'manifest.csv');
    let source: string;
    try {
      source = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new ManifestWriter(path, [], 0);
      throw err;
    }
    const [header, ...records]: string[][] = parse(source, { skip_empty_lines: true });
    if (header?.join(',') !== MANIFEST_COLUMNS.join(',')) {
      throw new Error(`${path} exists but its columns are not ${MANIFEST_COLUMNS.join(',')}; choose another --out`);
    }
    const ids = new Set<string>();
    for (const record of records) {
      if (ids.has(record[0])) throw new Error(`${path}: tmdb_id ${record[0]} appears twice; fix or remove the file`);
      ids.add(record[0]);
    }
    return new ManifestWriter(path, records, records.length);
  }

  get rowCount(): number {
    return this.ids.size;
  }

  add(row: ManifestRow): void {
    const id = Number(row.tmdb_id);
    if (this.ids.has(id)) throw new Error(`tmdb_id ${id} is already in the manifest`);
    this.text += toCsv([MANIFEST_COLUMNS.map((c) => row[c])]);
    this.track(id, row.label);
    this.pendingRows++;
  }

  async flush(): Promise<void> {
    if (this.pendingRows === 0) return;
    const count = this.pendingRows;
    await writeFileAtomic(this.path, this.text);
    this.pendingRows -= count;
  }

  private track(id: number, label: string): void {
    this.ids.add(id);
    const genre = label as Genre;
    if (this.labelCounts.has(genre)) this.labelCounts.set(genre, this.labelCounts.get(genre)! + 1);
  }
}
