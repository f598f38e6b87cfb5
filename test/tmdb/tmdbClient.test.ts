import { describe, expect, it } from 'vitest';
import { releaseRanges } from '../../models/data/tmdb/endpoints';
import { authFromEnv, retryAfterMs, TmdbClient } from '../../models/data/tmdb/tmdbClient';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJ4In0.c2ln-_c2ln';

describe('authFromEnv', () => {
  it('sends a v3 key as api_key and a JWT-looking value or TMDB_ACCESS_TOKEN as a bearer token', () => {
    expect(authFromEnv({ TMDB_API_KEY: ' 0123abcd ' })).toEqual({ kind: 'api_key', secret: '0123abcd' });
    expect(authFromEnv({ TMDB_API_KEY: JWT })).toEqual({ kind: 'bearer', secret: JWT });
    expect(authFromEnv({ TMDB_API_KEY: 'v3', TMDB_ACCESS_TOKEN: 'opaque-v4' })).toEqual({ kind: 'bearer', secret: 'opaque-v4' });
    expect(authFromEnv({ TMDB_API_KEY: '' })).toBeUndefined();
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates', () => {
    expect(retryAfterMs('2')).toBe(2_000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});

describe('TmdbClient.redact', () => {
  it('hides the key in query strings and anywhere else it appears', () => {
    const client = new TmdbClient({ auth: { kind: 'api_key', secret: 'k+y/1' } });
    expect(client.redact('GET https://x/3/a?language=en-US&api_key=k%2By%2F1&page=2')).toBe('GET https://x/3/a?language=en-US&api_key=***&page=2');
    expect(client.redact('token k+y/1 leaked')).toBe('token *** leaked');
  });
});

describe('releaseRanges', () => {
  it('cuts whole years into ranges, the last one shorter', () => {
    expect(releaseRanges(2006, 2008, 1).map((r) => `${r.gte}..${r.lte}`)).toEqual(['2006-01-01..2006-12-31', '2007-01-01..2007-12-31', '2008-01-01..2008-12-31']);
    expect(releaseRanges(2000, 2004, 2).map((r) => r.label)).toEqual(['2000-2001', '2002-2003', '2004']);
  });
});
