import { mkdir } from 'node:fs/promises';
import pLimit from 'p-limit';
import { ImageInputError } from '../../../src/shared/imageError';
import { GENRES, labelFromGenres, type Genre } from '../../../src/shared/labels';
import {
  fetchDiscoverPage,
  fetchGenreNames,
  fetchImdbId,
  MAX_DISCOVER_PAGE,
  releaseRanges,
  type DiscoverMovie,
  type ReleaseRange,
} from './endpoints';
import { ManifestWriter, type ManifestRow } from './manifestWriter';
import { PosterStore } from './posterStore';
import type { Progress } from './progress';
import { emptySummary, type CollectSummary, type SkipReason } from './summary';
import { DEFAULT_IMAGE_BASE, TmdbClient, TmdbHttpError, type TmdbAuth, type TmdbClientOptions } from './tmdbClient';

export interface CollectOptions {
  outDir: string;
  auth: TmdbAuth;
  apiBase?: string;
  imageBase?: string;
  fromYear: number;
  toYear: number;
  /** Width of each release-date range in years. */
  rangeYears?: number;
  /** Pages per range (TMDB serves at most 500). */
  pages?: number;
  /** Stop adding movies of a label once this many rows carry it. */
  perClassCap?: number;
  posterHeight?: number;
  /** Poster downloads in flight at once. */
  concurrency?: number;
  /** Fetch /movie/{id}/external_ids for the imdb_id column (one more request per movie). */
  imdbIds?: boolean;
  http?: Pick<TmdbClientOptions, 'timeoutMs' | 'retries' | 'retryBaseMs' | 'maxBackoffMs' | 'maxRequestsPerSecond'>;
  /** Least time between manifest rewrites; the first page and the end of the run always write. */
  flushIntervalMs?: number;
  signal?: AbortSignal;
  progress?: Progress;
}

const SOURCE = 'tmdb_api';
/**
 * Poster downloads failing this many times in a row means the image host or --image-base is wrong, not
 * that some posters are missing: stop rather than skip every movie (each waits out its retries).
 */
export const MAX_POSTER_FAILURES_IN_A_ROW = 20;

interface Candidate {
  movie: DiscoverMovie & { poster_path: string };
  genres: string[];
  label: Genre;
}

/**
 * Page /discover/movie over release-date ranges, keep movies with an overview, genres and a
 * decodable poster, and write them in the shared dataset's format. Safe to rerun on the same folder:
 * rows and posters already there are kept and not fetched again.
 */
export async function collectTmdb(options: CollectOptions): Promise<CollectSummary> {
  await mkdir(options.outDir, { recursive: true });
  const manifest = await ManifestWriter.open(options.outDir);
  const posters = await PosterStore.open(options.outDir, options.posterHeight ?? 224);
  return new Collector(options, manifest, posters).run();
}

class Collector {
  private readonly client: TmdbClient;
  private readonly summary: CollectSummary;
  /** Every id met this run, kept or not, so a movie repeated across pages is judged once. */
  private readonly seen = new Set<number>();
  /** Cap slots held by downloads in flight. */
  private readonly reserved = new Map<Genre, number>(GENRES.map((g) => [g, 0]));
  private readonly pagesPerRange: number;
  private genreNames = new Map<number, string>();
  private lastFlush = 0;
  private posterFailuresInARow = 0;

  constructor(
    private readonly o: CollectOptions,
    private readonly manifest: ManifestWriter,
    private readonly posters: PosterStore,
  ) {
    this.client = new TmdbClient({
      ...o.http,
      auth: o.auth,
      apiBase: o.apiBase,
      signal: o.signal,
      onRetry: (n) => o.progress?.log(`retry: GET ${n.url}: ${n.reason}; waiting ${(n.delayMs / 1000).toFixed(1)} s (attempt ${n.attempt})`),
    });
    this.summary = emptySummary(o.outDir);
    this.summary.resumedRows = manifest.resumedRows;
    this.pagesPerRange = Math.min(o.pages ?? MAX_DISCOVER_PAGE, MAX_DISCOVER_PAGE);
  }

  async run(): Promise<CollectSummary> {
    try {
      this.genreNames = await fetchGenreNames(this.client);
      const ranges = releaseRanges(this.o.fromYear, this.o.toYear, this.o.rangeYears ?? 1);
      let planned = ranges.length * this.pagesPerRange;
      for (const range of ranges) {
        if (this.allCapped()) break;
        planned = await this.collectRange(range, planned);
      }
    } catch (err) {
      if (!this.o.signal?.aborted) throw err;
      this.summary.interrupted = true;
    } finally {
      await this.manifest.flush();
      this.o.progress?.stop();
    }
    this.summary.totalRows = this.manifest.rowCount;
    for (const g of GENRES) this.summary.perLabel[g] = this.manifest.labelCounts.get(g)!;
    return this.summary;
  }

  /** Returns the planned page total, corrected once this range's real page count is known. */
  private async collectRange(range: ReleaseRange, planned: number): Promise<number> {
    let lastPage = this.pagesPerRange;
    for (let page = 1; page <= lastPage && !this.allCapped(); page++) {
      const body = await fetchDiscoverPage(this.client, range, page);
      this.summary.pagesFetched++;
      if (page === 1) {
        lastPage = Math.max(1, Math.min(this.pagesPerRange, body.total_pages));
        planned -= this.pagesPerRange - lastPage;
      }
      await this.collectPage(body.results);
      if (Date.now() - this.lastFlush >= (this.o.flushIntervalMs ?? 5_000)) {
        await this.manifest.flush();
        this.lastFlush = Date.now();
      }
      this.o.progress?.update({
        range: range.label,
        page,
        rangePages: lastPage,
        pagesDone: this.summary.pagesFetched,
        pagesPlanned: planned,
        kept: this.summary.newRows,
        skipped: Object.values(this.summary.skipped).reduce((a, b) => a + b, 0),
      });
    }
    return planned;
  }

  private async collectPage(results: DiscoverMovie[]): Promise<void> {
    const candidates: Candidate[] = [];
    for (const movie of results) {
      const screened = this.screen(movie);
      if (typeof screened === 'string') this.summary.skipped[screened]++;
      else {
        candidates.push(screened);
        this.reserved.set(screened.label, this.reserved.get(screened.label)! + 1);
      }
    }
    const rows: (ManifestRow | undefined)[] = new Array(candidates.length);
    const limit = pLimit(this.o.concurrency ?? 4);
    let failure: { error: unknown } | undefined;
    try {
      // After a failure no new download starts; those in flight finish, then the first error is thrown.
      await Promise.all(
        candidates.map((c, i) =>
          limit(async () => {
            if (failure) return;
            try {
              rows[i] = await this.fetchMovie(c);
            } catch (error) {
              failure ??= { error };
            }
          }),
        ),
      );
      if (failure) throw failure.error;
    } finally {
      // Rows finished before an interruption are kept too; the manifest keeps /discover's order.
      candidates.forEach((c, i) => {
        this.reserved.set(c.label, this.reserved.get(c.label)! - 1);
        const row = rows[i];
        if (row) {
          this.manifest.add(row);
          this.summary.newRows++;
        }
      });
    }
  }

  /** A candidate for the manifest, or why the movie is skipped without any download. */
  private screen(movie: DiscoverMovie): Candidate | SkipReason {
    if (this.seen.has(movie.id)) return 'duplicate';
    this.seen.add(movie.id);
    if (this.manifest.ids.has(movie.id)) return 'already_in_manifest';
    if (!movie.overview?.trim()) return 'no_overview';
    if (!movie.poster_path) return 'no_poster';
    const genres = (movie.genre_ids ?? []).flatMap((id) => this.genreNames.get(id) ?? []);
    if (genres.length === 0) return 'no_genres';
    const label = labelFromGenres(genres);
    if (this.isCapped(label)) return 'over_cap';
    return { movie: { ...movie, poster_path: movie.poster_path }, genres, label };
  }

  /** The row, or undefined when the poster is broken or unavailable (counted as skipped). */
  private async fetchMovie({ movie, genres, label }: Candidate): Promise<ManifestRow | undefined> {
    if (await this.posters.has(movie.id)) this.summary.postersReused++;
    else {
      const skip = await this.downloadPoster(movie.id, movie.poster_path);
      if (skip) {
        this.summary.skipped[skip]++;
        return undefined;
      }
      this.summary.postersDownloaded++;
    }
    return {
      tmdb_id: String(movie.id),
      imdb_id: this.o.imdbIds ? await fetchImdbId(this.client, movie.id) : '',
      title: movie.title ?? '',
      year: /^\d{4}/.test(movie.release_date ?? '') ? movie.release_date!.slice(0, 4) : '',
      overview: movie.overview ?? '',
      genres: genres.join('|'),
      label,
      poster: PosterStore.relativePath(movie.id),
      poster_source: SOURCE,
      text_source: SOURCE,
    };
  }

  private async downloadPoster(id: number, posterPath: string): Promise<SkipReason | undefined> {
    const imageBase = (this.o.imageBase ?? DEFAULT_IMAGE_BASE).replace(/\/+$/, '');
    let bytes: Uint8Array;
    try {
      bytes = await this.client.getBytes(`${imageBase}${posterPath}`);
      this.posterFailuresInARow = 0;
    } catch (err) {
      // One missing image should not end a run of thousands; the next API call fails loudly if TMDB is down.
      if (err instanceof TmdbHttpError) {
        if (++this.posterFailuresInARow >= MAX_POSTER_FAILURES_IN_A_ROW) {
          throw new Error(
            `${this.posterFailuresInARow} posters in a row could not be downloaded (the last: ${err.message}): check --image-base (${imageBase}) and that its host is reachable`,
          );
        }
        this.o.progress?.log(`skip ${id}: ${err.message}`);
        return 'poster_unavailable';
      }
      throw err;
    }
    try {
      await this.posters.save(id, bytes);
    } catch (err) {
      if (err instanceof ImageInputError) {
        this.o.progress?.log(`skip ${id}: ${err.message}`);
        return 'broken_image';
      }
      throw err;
    }
    return undefined;
  }

  private isCapped(label: Genre): boolean {
    const cap = this.o.perClassCap;
    return cap !== undefined && this.manifest.labelCounts.get(label)! + this.reserved.get(label)! >= cap;
  }

  private allCapped(): boolean {
    return this.o.perClassCap !== undefined && GENRES.every((g) => this.isCapped(g));
  }
}
