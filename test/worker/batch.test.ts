import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { Prediction } from '../../src/shared/apiSchemas';
import { LIMITS } from '../../src/shared/limits';
import { call, callWithEnv, errorOf, postJson, putModels, testEnv } from './helpers';

beforeAll(() => putModels());

const postBatch = (body: unknown, headers: Record<string, string> = {}) =>
  call('/predict/batch', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

type Result = (Prediction & { id?: string }) | { id?: string; error: { code: string; message: string } };

/** What must be equal between two answers to the same movie: everything but where and how fast it was computed. */
const answerPart = ({ timings: _t, ...rest }: Prediction & { id?: string }) => rest;

const PLOTS = [
  'A retired hitman is pulled back for one last job.',
  'A family moves into a house where a ghost murders whoever sleeps in the attic.',
  'A documentary about the bees of the Alps and the people who keep them.',
];

describe('POST /predict/batch', () => {
  it('answers every movie in order, echoing ids, each exactly as POST /predict answers it alone', async () => {
    const jpeg = inject('fixtures').jpeg;
    const movies = [
      { id: 'hitman', plot: PLOTS[0] },
      { id: 'ghost', plot: PLOTS[1], poster: jpeg },
      { plot: PLOTS[2] },
      { id: 'poster-url', posterUrl: `${testEnv.POSTER_SERVER}/poster.jpg` },
    ];
    // no-cache: every answer below is computed, none read from what another request stored.
    const res = await postBatch({ movies }, { 'cache-control': 'no-cache' });
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: (Prediction & { id?: string })[] };
    expect(results.map((r) => r.id)).toEqual(['hitman', 'ghost', undefined, 'poster-url']);
    for (const [i, { id: _id, ...movie }] of movies.entries()) {
      const alone = await postJson(movie, { 'cache-control': 'no-cache' });
      expect(alone.headers.get('cache-status')).toBe('genre-classifier; fwd=request');
      const answer = (await alone.json()) as Prediction;
      expect(results[i].timings.cached).toBe(false);
      expect(answerPart(results[i])).toEqual({ ...(movies[i].id ? { id: movies[i].id } : {}), ...answerPart(answer) });
    }
    expect(results[1].modalities).toEqual(['plot', 'poster']);
    expect(results[3].modalities).toEqual(['poster']);
  });

  it('gives a bad movie the error /predict would give it, and answers the others', async () => {
    const bad = [
      { id: 'b64', plot: PLOTS[0], poster: 'not base64!' },
      { id: 'punctuation', plot: '?!…' },
      { id: 'nothing' },
      { id: 'both', poster: inject('fixtures').jpeg, posterUrl: `${testEnv.POSTER_SERVER}/poster.jpg` },
      { id: 'host', posterUrl: 'https://example.com/poster.jpg' },
      { id: 'extra', plot: PLOTS[0], title: 'Leon' },
      { id: 'gif', poster: inject('fixtures').gif },
    ];
    const movies = [{ id: 'first', plot: PLOTS[0] }, ...bad, 'not a movie', { id: 'last', plot: PLOTS[1] }];
    const res = await postBatch({ movies });
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: Result[] };
    expect(results).toHaveLength(movies.length);
    expect(results[0]).toMatchObject({ id: 'first', top: expect.any(Object) });
    expect(results.at(-1)).toMatchObject({ id: 'last', top: expect.any(Object) });
    for (const [i, { id, ...movie }] of bad.entries()) {
      const alone = await errorOf(await postJson(movie));
      const item = results[i + 1];
      expect(item, id).toEqual({ id, error: { code: alone.code, message: alone.message } });
    }
    expect(results.at(-2)).toEqual({ error: { code: 'invalid_request', message: expect.stringContaining('object') } });
  });

  it.each([
    ['not JSON', '{"movies": [', 400, 'invalid_json'],
    ['no movies', { films: [] }, 400, 'invalid_request'],
    ['movies not a list', { movies: { plot: PLOTS[0] } }, 400, 'invalid_request'],
    ['an empty list', { movies: [] }, 400, 'invalid_request'],
    ['a list, not an object', [{ plot: PLOTS[0] }], 400, 'invalid_request'],
    ['one movie too many', { movies: Array.from({ length: LIMITS.batchMaxMovies + 1 }, () => ({ plot: 'x' })) }, 413, 'batch_too_large'],
  ])('refuses %s as a whole', async (_name, body, status, code) => {
    expect(await errorOf(await postBatch(body))).toMatchObject({ status, code });
  });

  it('refuses a body over the byte limit, another content type and another method', async () => {
    const huge = { movies: [{ plot: 'x', poster: 'A'.repeat(LIMITS.requestMaxBytes) }] };
    expect(await errorOf(await postBatch(huge))).toMatchObject({ status: 413, code: 'body_too_large' });
    const form = await call('/predict/batch', { method: 'POST', body: new URLSearchParams({ plot: PLOTS[0] }) });
    expect(await errorOf(form)).toMatchObject({ status: 415, code: 'unsupported_media_type' });
    const get = await call('/predict/batch');
    expect(await errorOf(get)).toMatchObject({ status: 405, code: 'method_not_allowed' });
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('takes exactly the maximum number of movies', async () => {
    const movies = Array.from({ length: LIMITS.batchMaxMovies }, (_, i) => ({ id: String(i), plot: `${PLOTS[i % 3]} Part ${i}.` }));
    const { results } = (await (await postBatch({ movies })).json()) as { results: Prediction[] };
    expect(results).toHaveLength(LIMITS.batchMaxMovies);
    expect(results.every((r) => r.top)).toBe(true);
  });

  it('asks for the same bearer token as /predict', async () => {
    const env = { ...testEnv, API_TOKEN: 's3cret-token' };
    const send = (headers: Record<string, string>) =>
      callWithEnv('/predict/batch', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ movies: [{ plot: PLOTS[0] }] }) }, env);
    expect(await errorOf(await send({}))).toMatchObject({ status: 401, code: 'unauthorized' });
    expect((await send({ authorization: 'Bearer s3cret-token' })).status).toBe(200);
  });

  it('is described in the OpenAPI document with its limits', async () => {
    type Schema = { properties: Record<string, { maxItems?: number; minItems?: number }> };
    const doc = (await (await call('/openapi.json')).json()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>>; components: { schemas: Record<string, Schema> } };
    const operation = doc.paths['/predict/batch'].post;
    expect(Object.keys(operation.responses).sort()).toEqual(['200', '400', '401', '405', '413', '415', '429', '503']);
    expect(doc.components.schemas.BatchRequest.properties.movies).toMatchObject({ minItems: 1, maxItems: LIMITS.batchMaxMovies });
  });
});
