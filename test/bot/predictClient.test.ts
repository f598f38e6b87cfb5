import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../bot/log';
import { createPredictClient, PredictError } from '../../bot/predictClient';
import { GENRES, TMDB_GENRES } from '../../src/shared/labels';
import { listen, type LocalServer } from './support';

const PREDICTION = {
  genres: GENRES.map((genre, i) => ({ genre, probability: i === 0 ? 0.4 : 0.1 })),
  top: { genre: 'Action', probability: 0.4 },
  tmdbGenres: TMDB_GENRES.map((genre, i) => ({ genre, probability: 1 - i / 20 })),
  evidence: { plot: [{ text: 'car chase', weight: 0.8 }] },
  modalities: ['plot'],
  modelVersion: 'test-1',
  plotWords: { read: 12, total: 12 },
  warnings: [],
  timings: { loadMs: 1, decodeMs: 1, modelMs: 1, totalMs: 3, cached: false },
};

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A /predict stand-in answering each request with the next scripted response. */
async function scripted(responses: ({ status: number; body?: unknown; headers?: Record<string, string> } | 'hang')[]) {
  const seen: { req: IncomingMessage; body: string }[] = [];
  // After a 429, as a rate limiter does, a request before its Retry-After has passed (less 50 ms of timer slack) is
  // refused again, and does not take the next scripted answer: a client that retries early gets a 429.
  let closedUntil = 0;
  server = await listen(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    if (Date.now() < closedUntil) return void res.writeHead(429, { 'retry-after': '1' }).end('{}');
    seen.push({ req, body });
    const next = responses[Math.min(seen.length, responses.length) - 1];
    if (next === 'hang') return;
    if (next.status === 429) closedUntil = Date.now() + Number(next.headers?.['retry-after'] ?? 0) * 1000 - 50;
    res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers }).end(JSON.stringify(next.body ?? {}));
  });
  const logs: string[] = [];
  const predict = createPredictClient({ url: `${server.url}/predict`, token: 'tok-123456', timeoutMs: 300, retryDelayMs: 20 }, createLogger({ write: (l) => logs.push(l) }));
  return { predict, seen, logs };
}

const failure = (p: Promise<unknown>) => p.then(() => expect.unreachable(), (e: unknown) => e as PredictError);

describe('predict client', () => {
  it('posts the plot and the poster URL as JSON with the bearer token and returns the validated prediction', async () => {
    const { predict, seen } = await scripted([{ status: 200, body: PREDICTION }]);
    const posterUrl = 'https://cdn.discordapp.com/attachments/1/2/p.jpg?ex=1&is=2&hm=3';
    const result = await predict({ plot: 'A heist.', posterUrl });
    expect(result).toEqual(PREDICTION);
    expect(seen).toHaveLength(1);
    expect(seen[0].req.headers.authorization).toBe('Bearer tok-123456');
    expect(seen[0].req.headers['content-type']).toBe('application/json');
    expect(JSON.parse(seen[0].body)).toEqual({ plot: 'A heist.', posterUrl });
  });

  it('does not retry a 4xx and keeps its code and message', async () => {
    const { predict, seen } = await scripted([{ status: 400, body: { error: { code: 'invalid_plot', message: 'plot contains no words' } } }]);
    const err = await failure(predict({ plot: '!!!' }));
    expect(err).toMatchObject({ kind: 'rejected', status: 400, code: 'invalid_plot', message: 'plot contains no words' });
    expect(seen).toHaveLength(1);
  });

  it('retries a transient 503 once, then reports the classifier unavailable', async () => {
    const { predict, seen, logs } = await scripted([{ status: 503, body: { error: { code: 'models_unavailable', message: 'no models' } } }]);
    expect(await failure(predict({ plot: 'x' }))).toMatchObject({ kind: 'unavailable', status: 503 });
    expect(seen).toHaveLength(2);
    expect(logs).toHaveLength(1);
    expect(logs.join()).not.toContain('tok-123456');
  });

  it('honours Retry-After before its retry', async () => {
    const { predict, seen } = await scripted([{ status: 429, headers: { 'retry-after': '1' } }, { status: 200, body: PREDICTION }]);
    // Its one retry would be refused had it come before the second was up.
    expect(await predict({ plot: 'x' })).toEqual(PREDICTION);
    expect(seen).toHaveLength(2);
  });

  it('treats a 200 of the wrong shape as unavailable', async () => {
    const { predict } = await scripted([{ status: 200, body: { genres: 'Action' } }]);
    expect(await failure(predict({ plot: 'x' }))).toMatchObject({ kind: 'unavailable', message: 'the classifier answered with an unexpected body' });
  });

  it('times out without retrying', async () => {
    const { predict, seen } = await scripted(['hang']);
    expect(await failure(predict({ plot: 'x' }))).toMatchObject({ kind: 'timeout' });
    expect(seen).toHaveLength(1);
  });

  it.each([401, 403, 404, 405, 415])('reports a %i as misconfiguration, not retried and logged as an error', async (status) => {
    const { predict, seen, logs } = await scripted([{ status, body: { error: { code: 'some_code', message: 'refused' } } }]);
    expect(await failure(predict({ plot: 'x' }))).toMatchObject({ kind: 'misconfigured', status });
    expect(seen).toHaveLength(1);
    expect(logs.map((l) => JSON.parse(l))).toEqual([expect.objectContaining({ level: 'error', status, code: 'some_code', msg: expect.stringContaining('configuration problem') })]);
  });

  it.each([400, 413, 422])('keeps a %i as a refusal of this input', async (status) => {
    const { predict, logs } = await scripted([{ status, body: { error: { code: 'image_too_large', message: 'too big' } } }]);
    expect(await failure(predict({ plot: 'x' }))).toMatchObject({ kind: 'rejected', status });
    expect(logs).toEqual([]);
  });

  it('stops a pending request at once when aborted, without retrying', async () => {
    const { predict, seen } = await scripted(['hang']);
    const controller = new AbortController();
    const pending = failure(predict({ plot: 'x' }, controller.signal));
    while (seen.length === 0) await new Promise((r) => setTimeout(r, 10));
    const reason = new Error('stopping');
    controller.abort(reason);
    expect(await pending).toBe(reason);
    expect(seen).toHaveLength(1);
  });

  it('skips the retry when aborted during the wait before it', async () => {
    const { predict, seen } = await scripted([{ status: 503, headers: { 'retry-after': '5' } }]);
    const controller = new AbortController();
    const pending = failure(predict({ plot: 'x' }, controller.signal));
    while (seen.length === 0) await new Promise((r) => setTimeout(r, 10));
    const reason = new Error('stopping');
    controller.abort(reason);
    // After the 5 s wait, its retry would have got the scripted 503 again, not the abort's reason.
    expect(await pending).toBe(reason);
    expect(seen).toHaveLength(1);
  });
});
