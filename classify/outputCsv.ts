import { closeSync, existsSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

/** Where the rows go: appended one whole record at a time, so an interrupted run leaves complete rows. */
export interface Output {
  /** Rows already in the file from an earlier run with the same --out: the run resumes after them. */
  done: number;
  write(record: string[]): void;
  close(): void;
}

const parseRows = (text: string): string[][] => parse(text, { bom: true, skip_empty_lines: true });

/**
 * The complete records of an output file an earlier run left, and the byte length they take: a record cut
 * short by a kill is dropped (the file is cut back to the last record that parses).
 */
function completeRecords(text: string): { records: string[][]; length: number } {
  let end = text.length;
  for (;;) {
    const head = text.slice(0, end);
    try {
      if (head.endsWith('\n')) return { records: parseRows(head), length: Buffer.byteLength(head) };
    } catch {
      // a quoted field cut in two: cut further back
    }
    end = text.lastIndexOf('\n', end - 2) + 1;
    if (end <= 0) return { records: [], length: 0 };
  }
}

/**
 * The output: standard output without a path; else the file, resumed when it holds rows of an earlier run
 * on the same input (its header and each row's input columns must match), or started afresh.
 */
export function openOutput(path: string | undefined, header: string[], inputRows: string[][]): Output {
  if (path === undefined) {
    process.stdout.write(stringify([header]));
    return { done: 0, write: (record) => process.stdout.write(stringify([record])), close: () => {} };
  }
  let done = 0;
  if (existsSync(path) && readFileSync(path).byteLength > 0) {
    const { records, length } = completeRecords(readFileSync(path, 'utf8'));
    const [written, ...rows] = records;
    if (!written || written.join('\u0000') !== header.join('\u0000')) {
      throw new Error(`${path} exists with other columns than this run writes: choose another --out, or delete it to start again`);
    }
    const width = inputRows[0]?.length ?? 0;
    const mismatch = rows.findIndex((row, i) => i >= inputRows.length || row.slice(0, width).join('\u0000') !== inputRows[i].join('\u0000'));
    if (mismatch >= 0) throw new Error(`${path} row ${mismatch + 1} is not row ${mismatch + 1} of the input: it was written for another file; choose another --out`);
    truncateSync(path, length);
    done = rows.length;
  }
  const fd = openSync(path, done > 0 ? 'a' : 'w');
  if (done === 0) writeSync(fd, stringify([header]));
  return { done, write: (record) => writeSync(fd, stringify([record])), close: () => closeSync(fd) };
}
