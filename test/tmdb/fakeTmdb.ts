import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gradient, toJpeg } from '../support/imageFixtures';

/** TMDB's real movie genre list (ids are stable across TMDB). */
export const TMDB_GENRES: [number, string][] = [
  [28, 'Action'],
  [12, 'Adventure'],
  [16, 'Animation'],
  [35, 'Comedy'],
  [80, 'Crime'],
  [99, 'Documentary'],
  [18, 'Drama'],
  [10751, 'Family'],
  [14, 'Fantasy'],
  [36, 'History'],
  [27, 'Horror'],
  [10402, 'Music'],
  [9648, 'Mystery'],
  [10749, 'Romance'],
  [878, 'Science Fiction'],
  [10770, 'TV Movie'],
  [53, 'Thriller'],
  [10752, 'War'],
  [37, 'Western'],
];

export interface FakeMovie {
  id: number;
  title: string;
  overview: string;
  genre_ids: number[];
  poster_path: string | null;
  release_date: string;
  popularity: number;
  imdb_id?: string | null;
}

export interface Canned {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface RecordedRequest {
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  at: number;
  status: number;
}

export interface FakeTmdbOptions {
  movies: FakeMovie[];
  pageSize?: number;
  /** The only accepted v3 key (query `api_key`) or v4 token (bearer). */
  credential: string;
  /** Poster bytes by poster_path; other paths get a generated JPEG, unknown files a 404. */
  images?: Record<string, Uint8Array>;
  /** Like TMDB's rate limit: an API request sooner than this after the previous one gets a 429. */
  minApiIntervalMs?: number;
}

export interface FakeTmdb {
  origin: string;
  apiBase: string;
  imageBase: string;
  requests: RecordedRequest[];
  /** The next requests whose path starts with `prefix` get these answers, in order. */
  queue(prefix: string, ...answers: Canned[]): void;
  /** Requests to `path` stay unanswered until released; `hit` resolves when the first one arrives. */
  hold(path: string): { hit: Promise<void>; release: () => void };
  /** Requests whose path starts with `prefix`. */
  count(prefix: string): number;
  close(): Promise<void>;
}

const IMAGE_PREFIX = '/t/p/w500';

/** A small 2:3 poster like TMDB's. Encoded once: jpeg-js spends ~100 ms building tables per encode. */
const POSTER = Buffer.from(toJpeg(gradient(100, 150), 100, 150));

/** A local stand-in for api.themoviedb.org/3 and image.tmdb.org, with injectable failures. */
export async function startFakeTmdb(options: FakeTmdbOptions): Promise<FakeTmdb> {
  const pageSize = options.pageSize ?? 20;
  const requests: RecordedRequest[] = [];
  const queued: { prefix: string; answer: Canned }[] = [];
  const holds = new Map<string, { arrived: () => void; released: Promise<void> }>();

  const json = (status: number, body: unknown): Canned => ({
    status,
    headers: { 'content-type': 'application/json;charset=utf-8' },
    body: JSON.stringify(body),
  });

  function authorised(query: URLSearchParams, headers: IncomingHttpHeaders): boolean {
    return query.get('api_key') === options.credential || headers.authorization === `Bearer ${options.credential}`;
  }

  function discover(query: URLSearchParams): Canned {
    const page = Number(query.get('page') ?? '1');
    if (!(page >= 1 && page <= 500)) return json(400, { errors: ['page must be less than or equal to 500'] });
    const gte = query.get('primary_release_date.gte') ?? '0000';
    const lte = query.get('primary_release_date.lte') ?? '9999';
    const matching = options.movies
      .filter((m) => m.release_date >= gte && m.release_date <= lte)
      .sort((a, b) => b.popularity - a.popularity);
    const results = matching.slice((page - 1) * pageSize, page * pageSize).map(({ imdb_id: _, ...m }) => ({ adult: false, ...m }));
    return json(200, { page, results, total_pages: Math.ceil(matching.length / pageSize), total_results: matching.length });
  }

  /**
   * After a 429 with Retry-After, as TMDB does, every API request before it has passed (less 50 ms of timer
   * slack) gets a 429 too; so does one closer than minApiIntervalMs to the previous. A client that does not
   * wait shows as an extra 429 in `requests`.
   */
  let closedUntil = 0;
  let lastApi = -Infinity;
  const tooSoon: Canned = { status: 429, headers: { 'retry-after': '1' }, body: '{"status_code":25,"status_message":"rate limit"}' };

  function answer(path: string, query: URLSearchParams, headers: IncomingHttpHeaders): Canned {
    if (path.startsWith('/3/')) {
      const now = Date.now();
      const early = now < closedUntil || now - lastApi < (options.minApiIntervalMs ?? 0);
      lastApi = now;
      if (early) return tooSoon;
    }
    const i = queued.findIndex((q) => path.startsWith(q.prefix));
    if (i >= 0) {
      const canned = queued.splice(i, 1)[0].answer;
      const retryAfter = canned.status === 429 ? Number(canned.headers?.['retry-after']) : NaN;
      if (retryAfter > 0) closedUntil = Date.now() + retryAfter * 1000 - 50;
      return canned;
    }
    if (path.startsWith(`${IMAGE_PREFIX}/`)) {
      const file = path.slice(IMAGE_PREFIX.length);
      const custom = options.images?.[file];
      const known = custom ?? (options.movies.some((m) => m.poster_path === file) ? POSTER : undefined);
      if (!known) return json(404, { status_code: 34, status_message: 'The resource you requested could not be found.' });
      return { status: 200, headers: { 'content-type': 'image/jpeg' }, body: Buffer.from(known).toString('latin1') };
    }
    if (!authorised(query, headers)) {
      return json(401, { status_code: 7, status_message: 'Invalid API key: You must be granted a valid key.', success: false });
    }
    if (path === '/3/genre/movie/list') return json(200, { genres: TMDB_GENRES.map(([id, name]) => ({ id, name })) });
    if (path === '/3/discover/movie') return discover(query);
    const external = /^\/3\/movie\/(\d+)\/external_ids$/.exec(path);
    const movie = external && options.movies.find((m) => m.id === Number(external[1]));
    if (movie) return json(200, { id: movie.id, imdb_id: movie.imdb_id ?? null });
    return json(404, { status_code: 34, status_message: 'The resource you requested could not be found.' });
  }

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    // Recorded on arrival, so a request the client gave up on while it was held still shows, as status 0.
    const record: RecordedRequest = { path: url.pathname, query: url.searchParams, headers: req.headers, at: Date.now(), status: 0 };
    requests.push(record);
    const held = holds.get(url.pathname);
    if (held) {
      held.arrived();
      await held.released;
      if (req.socket.destroyed) return;
    }
    const canned = answer(url.pathname, url.searchParams, req.headers);
    record.status = canned.status;
    res.writeHead(canned.status, canned.headers);
    res.end(canned.body === undefined ? undefined : Buffer.from(canned.body, 'latin1'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    apiBase: `${origin}/3`,
    imageBase: `${origin}${IMAGE_PREFIX}`,
    requests,
    queue(prefix, ...answers) {
      for (const answer of answers) queued.push({ prefix, answer });
    },
    hold(path) {
      let arrived!: () => void;
      let release!: () => void;
      const hit = new Promise<void>((r) => (arrived = r));
      holds.set(path, { arrived, released: new Promise<void>((r) => (release = r)) });
      return {
        hit,
        release: () => {
          holds.delete(path);
          release();
        },
      };
    },
    count(prefix) {
      return requests.filter((r) => r.path.startsWith(prefix)).length;
    },
    close() {
      for (const path of [...holds.keys()]) holds.delete(path);
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** `n` movies released in `year`, ids from `firstId`, most popular first, genres cycling through TMDB's list. */
export function moviesOfYear(year: number, n: number, firstId: number): FakeMovie[] {
  return Array.from({ length: n }, (_, i) => {
    const id = firstId + i;
    const first = TMDB_GENRES[i % TMDB_GENRES.length][0];
    const second = TMDB_GENRES[(i + 5) % TMDB_GENRES.length][0];
    return {
      id,
      title: `Movie ${id}`,
      overview: `Plot of movie ${id}, in which "things" happen.`,
      genre_ids: [first, second],
      poster_path: `/poster${id}.jpg`,
      release_date: `${year}-0${(i % 9) + 1}-15`,
      popularity: 1000 - i,
      imdb_id: `tt${String(id).padStart(7, '0')}`,
    };
  });
}
