import { afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { Admission, posterWork } from '../../src/admission';
import { app } from '../../src/app';
import { ADMISSION } from '../../src/shared/limits';
import { call, errorOf, fromB64, postForm, postJson, putModels, testEnv } from './helpers';

beforeAll(() => putModels());
afterEach(() => vi.restoreAllMocks());

const PLOT = 'Two friends go on a road trip.';

describe('request id', () => {
  it('is on every answer, whatever the route and status', async () => {
    const answers = await Promise.all([call('/health'), postJson({ plot: PLOT }), postJson({}), call('/nope'), call('/predict', { method: 'PUT' }), call('/openapi.json')]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 400, 404, 405, 200]);
    const ids = answers.map((r) => r.headers.get('x-request-id'));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("is Cloudflare's cf-ray where the request has one, and never the client's own X-Request-Id", async () => {
    expect((await call('/health', { headers: { 'cf-ray': '8f1e2d3c4b5a6978-AMS' } })).headers.get('x-request-id')).toBe('8f1e2d3c4b5a6978-AMS');
    expect((await call('/health', { headers: { 'x-request-id': 'chosen-by-client' } })).headers.get('x-request-id')).not.toBe('chosen-by-client');
  });

  it('is in every log line of the request, the access line included', async () => {
    const lines: string[] = [];
    for (const level of ['log', 'warn', 'error'] as const) vi.spyOn(console, level).mockImplementation((line: string) => void lines.push(line));
    const res = await postJson({ posterUrl: `${testEnv.POSTER_SERVER}/missing` });
    expect(res.status).toBe(422);
    const logged = lines.map((l) => JSON.parse(l) as { msg: string; requestId: string; status?: number });
    expect(logged.find((l) => l.msg === 'request')).toMatchObject({ status: 422, requestId: res.headers.get('x-request-id') });
    for (const line of logged) expect(line.requestId).toBe(res.headers.get('x-request-id'));
  });
});

describe('rate limit on POST /predict (PREDICT_RATE_LIMIT in wrangler.toml)', () => {
  const from = (ip: string) => postJson({}, { 'cf-connecting-ip': ip });

  it('answers 429 with Retry-After past the limit, per client address', async () => {
    let allowed = 0;
    let res = await from('203.0.113.7');
    for (; res.status !== 429 && allowed < 1000; res = await from('203.0.113.7')) allowed++;
    expect(allowed).toBeGreaterThan(0);
    expect(res.headers.get('retry-after')).toBe('60');
    expect(await errorOf(res)).toMatchObject({ status: 429, code: 'rate_limited' });
    // Another address is not affected; the refused one stays refused.
    expect(await errorOf(await from('203.0.113.8'))).toMatchObject({ status: 400, code: 'missing_input' });
    expect((await from('203.0.113.7')).status).toBe(429);
  });

  it('does not limit requests from the machine itself (wrangler dev, tests) or without an address', async () => {
    for (let i = 0; i < 150; i++) expect((await from(i % 2 ? '127.0.0.1' : '::1')).status).toBe(400);
    expect((await postJson({})).status).toBe(400);
  });

  it('is off without the binding', async () => {
    const { PREDICT_RATE_LIMIT: _, ...env } = testEnv;
    const res = await app.request('/predict', { method: 'POST', headers: { 'content-type': 'application/json', 'cf-connecting-ip': '203.0.113.7' }, body: '{}' }, env);
    expect(res.status).toBe(400);
  });
});

/** A promise and the function that settles it. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('Admission: a bounded line for poster work', () => {
  const limits = { slots: 1, queue: 1, maxWaitMs: 10_000, leaseMs: 30_000, retryAfterS: 2 };

  it('runs one at a time, lets one wait, and refuses the next with 503 and Retry-After', async () => {
    const admission = new Admission(limits);
    const order: string[] = [];
    const first = gate();
    const a = admission.run(async () => {
      order.push('a');
      await first.opened;
    });
    const b = admission.run(async () => void order.push('b'));
    await Promise.resolve();
    expect(admission.load).toEqual({ working: 1, waiting: 1 });
    await expect(admission.run(async () => order.push('c'))).rejects.toMatchObject({ status: 503, code: 'overloaded', headers: { 'retry-after': '2' } });
    first.open();
    await Promise.all([a, b]);
    expect(order).toEqual(['a', 'b']);
    expect(admission.load).toEqual({ working: 0, waiting: 0 });
  });

  it('gives a slot back when the work fails', async () => {
    const admission = new Admission(limits);
    await expect(admission.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await admission.run(async () => 'ok')).toBe('ok');
  });

  it('refuses a waiter after maxWaitMs', async () => {
    const admission = new Admission({ ...limits, maxWaitMs: 20 });
    const held = gate();
    const holder = admission.run(() => held.opened);
    await expect(admission.run(async () => 'late')).rejects.toMatchObject({ status: 503, code: 'overloaded', message: expect.stringContaining('waited 20 ms') });
    held.open();
    await holder;
  });

  it('takes back a slot held past its lease (a canceled request never releases it)', async () => {
    const admission = new Admission({ ...limits, leaseMs: 10 });
    void admission.run(() => new Promise<never>(() => {}));
    await new Promise((r) => setTimeout(r, 30));
    expect(await admission.run(async () => 'after the lease')).toBe('after the lease');
  });
});

describe('POST /predict under load', () => {
  it('answers a poster 503 overloaded with Retry-After while the line is full, and plots meanwhile', async () => {
    const held = gate();
    const busy = Array.from({ length: ADMISSION.slots + ADMISSION.queue }, () => posterWork.run(() => held.opened));
    await Promise.resolve();
    expect(posterWork.load).toEqual({ working: ADMISSION.slots, waiting: ADMISSION.queue });

    const poster = fromB64(inject('fixtures').jpeg);
    const refused = await postForm({ poster });
    expect(refused.headers.get('retry-after')).toBe(String(ADMISSION.retryAfterS));
    expect(await errorOf(refused)).toMatchObject({ status: 503, code: 'overloaded' });
    const large = await postJson({ poster: Buffer.from(new Uint8Array(ADMISSION.lightBodyBytes)).toString('base64') });
    expect(await errorOf(large)).toMatchObject({ status: 503, code: 'overloaded' });
    expect((await postJson({ plot: PLOT })).status).toBe(200);

    held.open();
    await Promise.all(busy);
    expect((await postForm({ poster })).status).toBe(200);
  });
});
