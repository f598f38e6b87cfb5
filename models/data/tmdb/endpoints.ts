import { z } from 'zod';
import { TmdbHttpError, type TmdbClient } from './tmdbClient';

/** TMDB refuses `page` above 500 on /discover, however many results match. */
export const MAX_DISCOVER_PAGE = 500;

export interface ReleaseRange {
  gte: string;
  lte: string;
  label: string;
}

/** [from, to] in whole years, cut into ranges of `years` years (the last one may be shorter). */
export function releaseRanges(fromYear: number, toYear: number, years: number): ReleaseRange[] {
  const ranges: ReleaseRange[] = [];
  for (let start = fromYear; start <= toYear; start += years) {
    const end = Math.min(start + years - 1, toYear);
    ranges.push({ gte: `${start}-01-01`, lte: `${end}-12-31`, label: start === end ? `${start}` : `${start}-${end}` });
  }
  return ranges;
}

/** A readable error instead of zod's issue dump when TMDB's answer has an unexpected shape. */
function parseBody<T>(schema: z.ZodType<T>, body: unknown, endpoint: string): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(`unexpected ${endpoint} response: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
}

const genreListSchema = z.object({ genres: z.array(z.object({ id: z.number(), name: z.string() })) });

/** Genre id -> English name, from TMDB's own list (ids are stable, names are what the dataset stores). */
export async function fetchGenreNames(client: TmdbClient): Promise<Map<number, string>> {
  const body = parseBody(genreListSchema, await client.getJson('/genre/movie/list', { language: 'en-US' }), '/genre/movie/list');
  return new Map(body.genres.map((g) => [g.id, g.name]));
}

const discoverSchema = z.object({
  page: z.number(),
  total_pages: z.number(),
  results: z.array(
    z.object({
      id: z.number().int().positive(),
      title: z.string().nullish(),
      overview: z.string().nullish(),
      genre_ids: z.array(z.number()).nullish(),
      poster_path: z.string().nullish(),
      release_date: z.string().nullish(),
    }),
  ),
});

export type DiscoverPage = z.infer<typeof discoverSchema>;
export type DiscoverMovie = DiscoverPage['results'][number];

/** One page of the most popular movies first released in `range`. */
export async function fetchDiscoverPage(client: TmdbClient, range: ReleaseRange, page: number): Promise<DiscoverPage> {
  const body = await client.getJson('/discover/movie', {
    sort_by: 'popularity.desc',
    include_adult: false,
    include_video: false,
    language: 'en-US',
    'primary_release_date.gte': range.gte,
    'primary_release_date.lte': range.lte,
    page,
  });
  return parseBody(discoverSchema, body, '/discover/movie');
}

const externalIdsSchema = z.object({ imdb_id: z.string().nullish() });

/** /discover has no IMDb id; this costs one request per movie, hence opt-in. Empty when TMDB has none. */
export async function fetchImdbId(client: TmdbClient, tmdbId: number): Promise<string> {
  try {
    const path = `/movie/${tmdbId}/external_ids`;
    return parseBody(externalIdsSchema, await client.getJson(path), path).imdb_id ?? '';
  } catch (err) {
    if (err instanceof TmdbHttpError && err.status === 404) return '';
    throw err;
  }
}
