import { describe, expect, it } from 'vitest';
import { UsageError } from '../../models/cli/args';
import { parseCli } from '../../models/data/tmdb/cliOptions';

const KEY = { TMDB_API_KEY: '0123456789abcdef0123456789abcdef' };

describe('parseCli', () => {
  it('fills the documented defaults', () => {
    const o = parseCli(['--out', 'data/tmdb'], KEY);
    expect(o).toMatchObject({
      auth: { kind: 'api_key', secret: KEY.TMDB_API_KEY },
      apiBase: 'https://api.themoviedb.org/3',
      imageBase: 'https://image.tmdb.org/t/p/w500',
      fromYear: 2006,
      toYear: new Date().getUTCFullYear() - 1,
      rangeYears: 1,
      pages: 500,
      perClassCap: undefined,
      posterHeight: 224,
      concurrency: 4,
      imdbIds: false,
      http: { timeoutMs: 30_000, retries: 5, maxRequestsPerSecond: 20 },
    });
    expect(o !== 'help' && o.outDir.endsWith('/data/tmdb')).toBe(true);
  });

  it('reads every flag, and base URLs from the environment unless a flag is given', () => {
    const env = { ...KEY, TMDB_API_BASE: 'http://127.0.0.1:1/3/', TMDB_IMAGE_BASE: 'http://127.0.0.1:1/img' };
    const o = parseCli(
      ['--out', '/tmp/x', '--from', '2000', '--to', '2003', '--range-years', '2', '--pages', '7', '--per-class-cap', '9', '--poster-height', '128',
        '--concurrency', '2', '--imdb-ids', '--image-base', 'http://localhost:2/w500', '--timeout', '5', '--retries', '0', '--rps', '40'],
      env,
    );
    expect(o).toMatchObject({
      outDir: '/tmp/x',
      apiBase: 'http://127.0.0.1:1/3',
      imageBase: 'http://localhost:2/w500',
      fromYear: 2000,
      toYear: 2003,
      rangeYears: 2,
      pages: 7,
      perClassCap: 9,
      posterHeight: 128,
      concurrency: 2,
      imdbIds: true,
      http: { timeoutMs: 5_000, retries: 0, maxRequestsPerSecond: 40 },
    });
    expect(parseCli(['-h'], {})).toBe('help');
  });

  it.each([
    [['--out', 'x', '--pages', '501'], /--pages must be a whole number from 1 to 500, got "501"/],
    [['--out', 'x', '--per-class-cap', '0'], /--per-class-cap must be a whole number from 1/],
    [['--out', 'x', '--from', '20x'], /--from must be a whole number/],
    [['--out', 'x', '--from', '2020', '--to', '2010'], /--from 2020 is after --to 2010/],
    [['--out', 'x', '--bogus'], /Unknown option '--bogus'/],
    [['--out', 'x', 'extra'], /Unexpected argument 'extra'/],
    [['--out'], /argument missing/],
    [['--from', '2010'], /--out DIR is required/],
    [['--out', 'x', '--api-base', 'not a url'], /--api-base must be an absolute URL, got "not a url"/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCli(argv, KEY)).toThrow(UsageError);
    expect(() => parseCli(argv, KEY)).toThrow(message);
  });

  it('needs a credential', () => {
    expect(() => parseCli(['--out', 'x'], {})).toThrow(/set TMDB_API_KEY \(v3 key or v4 token\) or TMDB_ACCESS_TOKEN/);
  });
});
