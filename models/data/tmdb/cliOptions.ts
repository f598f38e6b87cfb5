import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { integer, UsageError } from '../../cli/args';
import type { CollectOptions } from './collector';
import { authFromEnv, DEFAULT_API_BASE, DEFAULT_IMAGE_BASE } from './tmdbClient';

const LAST_FULL_YEAR = new Date().getUTCFullYear() - 1;

export const USAGE = `Usage: npm run data:tmdb -- --out DIR [options]

Pages TMDB's /discover/movie (most popular first) over release-date ranges and writes
DIR/manifest.csv and DIR/posters/<tmdb_id>.jpg in the format of ../shared/data/movies.
Rerunning with the same --out resumes: rows and posters already there are kept.

Options:
  --out DIR              output folder (required)
  --from YEAR            first release year (default 2006)
  --to YEAR              last release year (default ${LAST_FULL_YEAR}, the last full year)
  --range-years N        years per release-date range (default 1)
  --pages N              pages per range, 20 movies each (default 500, TMDB's maximum)
  --per-class-cap K      stop adding movies of a label once K rows carry it
  --poster-height PX     poster height after resizing (default 224)
  --concurrency N        poster downloads at once (default 4)
  --imdb-ids             fill imdb_id from /movie/{id}/external_ids (one more request per movie)
  --api-base URL         TMDB API base (default ${DEFAULT_API_BASE}; env TMDB_API_BASE)
  --image-base URL       poster base incl. size (default ${DEFAULT_IMAGE_BASE}; env TMDB_IMAGE_BASE)
  --timeout SECONDS      per request attempt (default 30)
  --retries N            retries of 429, 5xx, timeouts and network errors (default 5)
  --rps N                most API requests per second (default 20)
  -h, --help             show this help

Credentials (environment, or a .env file in the current folder; never logged):
  TMDB_API_KEY           a v3 API key (sent as api_key), or a v4 read access token (a JWT, sent as a bearer token)
  TMDB_ACCESS_TOKEN      a v4 read access token; wins over TMDB_API_KEY
`;

function url(name: string, value: string): string {
  try {
    return new URL(value).toString().replace(/\/+$/, '');
  } catch {
    throw new UsageError(`--${name} must be an absolute URL, got "${value}"`);
  }
}

export type CliOptions = Omit<CollectOptions, 'signal' | 'progress'>;

/** `argv` without node and the script; 'help' for --help. Throws UsageError. */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv): CliOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        out: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        'range-years': { type: 'string' },
        pages: { type: 'string' },
        'per-class-cap': { type: 'string' },
        'poster-height': { type: 'string' },
        concurrency: { type: 'string' },
        'imdb-ids': { type: 'boolean' },
        'api-base': { type: 'string' },
        'image-base': { type: 'string' },
        timeout: { type: 'string' },
        retries: { type: 'string' },
        rps: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return 'help';
  if (!values.out) throw new UsageError('--out DIR is required');
  const fromYear = integer('from', values.from, 2006, 1874, 2100);
  const toYear = integer('to', values.to, LAST_FULL_YEAR, 1874, 2100);
  if (fromYear > toYear) throw new UsageError(`--from ${fromYear} is after --to ${toYear}`);
  const cap = values['per-class-cap'];
  const auth = authFromEnv(env);
  if (!auth) throw new UsageError('set TMDB_API_KEY (v3 key or v4 token) or TMDB_ACCESS_TOKEN (v4 token) in the environment');
  return {
    outDir: resolve(values.out),
    auth,
    apiBase: url('api-base', values['api-base'] ?? env.TMDB_API_BASE ?? DEFAULT_API_BASE),
    imageBase: url('image-base', values['image-base'] ?? env.TMDB_IMAGE_BASE ?? DEFAULT_IMAGE_BASE),
    fromYear,
    toYear,
    rangeYears: integer('range-years', values['range-years'], 1, 1, 300),
    pages: integer('pages', values.pages, 500, 1, 500),
    perClassCap: cap === undefined ? undefined : integer('per-class-cap', cap, 0, 1),
    posterHeight: integer('poster-height', values['poster-height'], 224, 16, 2000),
    concurrency: integer('concurrency', values.concurrency, 4, 1, 32),
    imdbIds: values['imdb-ids'] ?? false,
    http: {
      timeoutMs: integer('timeout', values.timeout, 30, 1, 600) * 1000,
      retries: integer('retries', values.retries, 5, 0, 20),
      maxRequestsPerSecond: integer('rps', values.rps, 20, 1, 50),
    },
  };
}
