import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';

/** A catalogue: the input CSV's header and rows (as strings), and which of `plot` and `poster` it has. */
export interface Catalogue {
  columns: string[];
  rows: Record<string, string>[];
}

/** Read a CSV with a `plot` and/or a `poster` column; every other column is kept as it is. */
export async function readCatalogue(file: string): Promise<Catalogue> {
  const text = await readFile(file, 'utf8');
  // `bom`: a CSV saved by Excel starts with one, which would otherwise become part of the first column's name.
  const records: string[][] = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false });
  const [columns, ...values] = records;
  if (!columns) throw new Error(`${file} is empty: it needs a header row with a plot and/or a poster column`);
  if (!columns.includes('plot') && !columns.includes('poster')) {
    throw new Error(`${file} has no plot or poster column (its columns: ${columns.join(', ')})`);
  }
  const duplicate = columns.find((c, i) => columns.indexOf(c) !== i);
  if (duplicate !== undefined) throw new Error(`${file} has two columns named "${duplicate}"`);
  return { columns, rows: values.map((v) => Object.fromEntries(columns.map((c, i) => [c, v[i]]))) };
}
