// `npm run classify -- FILE.csv [--out OUT.csv] [--url BASE] [--token T] [--concurrency N]`: classify a
// catalogue, locally with the committed models or through the service's POST /predict/batch (README, docs/classify.md).
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import pLimit from 'p-limit';
import { integer, runCli, UsageError } from '../models/cli/args';
import { LIMITS } from '../src/shared/limits';
import { readCatalogue } from './catalogue';
import { localClassifier, type CatalogueClassifier, type MovieInput } from './localClassifier';
import { openOutput } from './outputCsv';
import { posterBytes } from './posterBytes';
import { remoteClassifier } from './remoteClassifier';
import { RESULT_COLUMNS, resultColumns, type MovieResult } from './resultColumns';

await runCli(async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      url: { type: 'string' },
      token: { type: 'string', default: process.env.API_TOKEN },
      concurrency: { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('give one CSV file: npm run classify -- FILE.csv [--out OUT.csv] [--url BASE] [--token T]');
  if (values.url !== undefined && !/^https?:\/\/[^/]/.test(values.url)) throw new UsageError(`--url must be the service's http(s) base URL, got "${values.url}"`);
  // Locally one process classifies one movie at a time; the service answers concurrent batches in parallel isolates.
  const concurrency = integer('concurrency', values.concurrency, values.url ? 4 : 1, 1, 64);
  const file = resolve(positionals[0]);
  const started = Date.now();

  const catalogue = await readCatalogue(file);
  const kept = catalogue.columns.filter((c) => !(RESULT_COLUMNS as readonly string[]).includes(c));
  const inputRows = catalogue.rows.map((row) => kept.map((c) => row[c]));
  const output = openOutput(values.out && resolve(values.out), [...kept, ...RESULT_COLUMNS], inputRows);

  const retries: string[] = [];
  const classifier: CatalogueClassifier = values.url
    ? remoteClassifier({ url: values.url, token: values.token, onRetry: (reason, ms) => retries.push(`${reason}; retrying in ${Math.round(ms / 1000)} s`) })
    : await localClassifier();
  const bar = new SingleBar({ format: 'classify [{bar}] {value}/{total} rows | {errors} errors | {eta_formatted} left', etaBuffer: 200 }, Presets.shades_classic);
  let errors = 0;
  bar.start(catalogue.rows.length, output.done, { errors });

  // Rows in chunks: posters read and movies classified chunk by chunk, rows written in input order.
  const chunkSize = values.url ? LIMITS.batchMaxMovies : 8;
  const pending = new Map<number, MovieResult[]>();
  let nextToWrite = output.done;
  const csvDir = dirname(file);
  const limit = pLimit(concurrency);
  const chunkStarts = [];
  for (let start = output.done; start < catalogue.rows.length; start += chunkSize) chunkStarts.push(start);

  async function classifyChunk(start: number): Promise<void> {
    const rows = catalogue.rows.slice(start, start + chunkSize);
    const results: (MovieResult | undefined)[] = [];
    const movies: MovieInput[] = [];
    const at: number[] = [];
    for (const [i, row] of rows.entries()) {
      const poster = await posterBytes(row.poster, csvDir);
      if (poster && !(poster instanceof Uint8Array)) results[i] = { error: poster };
      else {
        // An empty plot cell is no plot, as an empty form field is.
        movies.push({ plot: row.plot?.trim() ? row.plot : undefined, poster });
        at.push(i);
      }
    }
    const answered = movies.length ? await classifier.classify(movies) : [];
    answered.forEach((r, k) => (results[at[k]] = r));
    pending.set(start, results as MovieResult[]);
    // Write every chunk that is next in line, so the file always holds a prefix of the input.
    while (pending.has(nextToWrite)) {
      const done = pending.get(nextToWrite)!;
      pending.delete(nextToWrite);
      done.forEach((result, i) => {
        const columns = resultColumns(result);
        if ('error' in result) errors++;
        output.write([...inputRows[nextToWrite + i], ...RESULT_COLUMNS.map((c) => columns[c])]);
      });
      nextToWrite += done.length;
      bar.update(nextToWrite, { errors });
    }
  }

  try {
    await Promise.all(chunkStarts.map((start) => limit(() => classifyChunk(start))));
  } finally {
    bar.stop();
    output.close();
    await classifier.close();
  }
  for (const line of retries) console.error(line);
  const seconds = (Date.now() - started) / 1000;
  const classified = catalogue.rows.length - output.done;
  console.error(
    `${catalogue.rows.length} rows: ${classified} classified${output.done ? `, ${output.done} already in ${values.out} (resumed)` : ''}, ${errors} with an error; ` +
      `${seconds.toFixed(1)} s, ${(classified / seconds).toFixed(1)} rows/s, by ${classifier.describe()}`,
  );
});
