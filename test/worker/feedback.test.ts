import { beforeAll, describe, expect, inject, it } from 'vitest';
import { LIMITS } from '../../src/shared/limits';
import { call, callWithEnv, errorOf, fromB64, putModels, testEnv } from './helpers';

beforeAll(() => putModels());

const send = (body: unknown, headers: Record<string, string> = {}) =>
  call('/feedback', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

const CORRECTION = { predicted: 'Drama', genre: 'Comedy', modelVersion: '2026-12-02.012f8dee' } as const;
const PLOT = 'Two rival chefs are forced to share a food truck for a summer of disasters.';

interface Row {
  id: number;
  created_at: string;
  plot: string | null;
  poster_sha256: string | null;
  predicted: string;
  genre: string;
  tmdb_genres: string | null;
  comment: string | null;
  model_version: string;
}
const rowOf = (id: number) => testEnv.DB.prepare('SELECT * FROM feedback WHERE id = ?1').bind(id).first<Row>();
const sha256 = async (bytes: Uint8Array) => Buffer.from(await crypto.subtle.digest('SHA-256', bytes)).toString('hex');

describe('POST /feedback', () => {
  it('stores a correction of a plot in D1, and answers 201 with its id', async () => {
    const res = await send({ ...CORRECTION, plot: `  ${PLOT}\r\n`, tmdbGenres: ['Comedy', 'Romance'], comment: ' Clearly a comedy. ' });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: number };
    const row = await rowOf(id);
    expect(row).toMatchObject({ plot: PLOT, poster_sha256: null, predicted: 'Drama', genre: 'Comedy', tmdb_genres: '["Comedy","Romance"]', comment: 'Clearly a comedy.', model_version: CORRECTION.modelVersion });
    expect(Date.now() - Date.parse(row!.created_at)).toBeLessThan(60_000);
  });

  it('keeps a poster in R2 under its sha256, once however often it is sent, and only its reference in D1', async () => {
    const jpeg = fromB64(inject('fixtures').jpeg);
    const digest = await sha256(jpeg);
    const first = (await (await send({ ...CORRECTION, poster: inject('fixtures').jpeg })).json()) as { id: number };
    const again = (await (await send({ ...CORRECTION, genre: 'Horror', posterUrl: `${testEnv.POSTER_SERVER}/poster.jpg` })).json()) as { id: number };
    expect(again.id).toBeGreaterThan(first.id);
    for (const id of [first.id, again.id]) expect((await rowOf(id))!.poster_sha256).toBe(digest);
    const object = await testEnv.FEEDBACK.get(`posters/${digest}`);
    expect(new Uint8Array(await object!.arrayBuffer())).toEqual(jpeg);
    expect(object!.httpMetadata?.contentType).toBe('image/jpeg');
    expect((await testEnv.FEEDBACK.list({ prefix: 'posters/' })).objects.filter((o) => o.key.endsWith(digest))).toHaveLength(1);
  });

  it('stores what the person sent and nothing about them: no address, no user', async () => {
    const columns = await testEnv.DB.prepare('SELECT name FROM pragma_table_info(?1)').bind('feedback').all<{ name: string }>();
    expect(columns.results.map((c) => c.name)).toEqual(['id', 'created_at', 'plot', 'poster_sha256', 'predicted', 'genre', 'tmdb_genres', 'comment', 'model_version']);
  });

  it.each([
    ['an unknown genre', { ...CORRECTION, genre: 'Western', plot: PLOT }, 400, 'invalid_request', 'genre'],
    ['an unknown predicted genre', { ...CORRECTION, predicted: 'Sci-Fi', plot: PLOT }, 400, 'invalid_request', 'predicted'],
    ['no plot and no poster', { ...CORRECTION }, 400, 'missing_input', 'send a plot, a poster, or both'],
    ['a plot without a word', { ...CORRECTION, plot: '?!' }, 400, 'invalid_plot', 'no words'],
    ['a comment over the limit', { ...CORRECTION, plot: PLOT, comment: 'x'.repeat(LIMITS.feedbackCommentMaxChars + 1) }, 400, 'invalid_request', `comment is longer than ${LIMITS.feedbackCommentMaxChars} characters`],
    ['an unknown TMDB genre', { ...CORRECTION, plot: PLOT, tmdbGenres: ['Comedy', 'Telenovela'] }, 400, 'invalid_request', 'tmdbGenres'],
    ['a TMDB genre twice', { ...CORRECTION, plot: PLOT, tmdbGenres: ['Comedy', 'Comedy'] }, 400, 'invalid_request', 'twice'],
    ['no modelVersion', { predicted: 'Drama', genre: 'Comedy', plot: PLOT }, 400, 'invalid_request', 'modelVersion'],
    ['an unknown field', { ...CORRECTION, plot: PLOT, email: 'a@b.example' }, 400, 'invalid_request', 'email'],
    ['a poster that is not an image', { ...CORRECTION, poster: inject('fixtures').text }, 400, 'unsupported_image', 'not a supported image'],
    ['bad base64', { ...CORRECTION, poster: 'not base64!' }, 400, 'invalid_base64', 'base64'],
    ['a poster over the pixel limits', { ...CORRECTION, poster: inject('fixtures').bomb }, 413, 'image_too_large', 'pixels'],
    ['a posterUrl on another host', { ...CORRECTION, posterUrl: 'https://example.com/p.jpg' }, 400, 'poster_url_not_allowed', 'not a host posters are downloaded from'],
  ])('refuses %s with the error /predict would give', async (_name, body, status, code, message) => {
    const before = await testEnv.DB.prepare('SELECT count(*) AS n FROM feedback').first<{ n: number }>();
    expect(await errorOf(await send(body))).toMatchObject({ status, code, message: expect.stringContaining(message) });
    expect(await testEnv.DB.prepare('SELECT count(*) AS n FROM feedback').first<{ n: number }>()).toEqual(before);
  });

  it('refuses a body that is not JSON, another content type and another method', async () => {
    expect(await errorOf(await send('{"genre":'))).toMatchObject({ status: 400, code: 'invalid_json' });
    expect(await errorOf(await call('/feedback', { method: 'POST', body: new URLSearchParams({ genre: 'Comedy' }) }))).toMatchObject({ status: 415 });
    expect(await errorOf(await call('/feedback'))).toMatchObject({ status: 405, code: 'method_not_allowed' });
  });

  it('asks for the same bearer token as /predict', async () => {
    const env = { ...testEnv, API_TOKEN: 's3cret-token' };
    const post = (headers: Record<string, string>) =>
      callWithEnv('/feedback', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ ...CORRECTION, plot: PLOT }) }, env);
    expect(await errorOf(await post({}))).toMatchObject({ status: 401, code: 'unauthorized' });
    expect((await post({ authorization: 'Bearer s3cret-token' })).status).toBe(201);
  });
});
