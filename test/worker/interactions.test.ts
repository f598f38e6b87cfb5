import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { app } from '../../src/app';
import { errorOf, putModels, testEnv } from './helpers';

// Replays of signed Discord interactions, in workerd with the D1 database of handled ids (migrations/).
// Discord's webhook calls go to the local poster server, which answers them 404: here they are only counted.

beforeAll(() => putModels());
afterEach(() => vi.restoreAllMocks());

const keys = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
const publicKeyHex = Buffer.from((await crypto.subtle.exportKey('raw', keys.publicKey)) as ArrayBuffer).toString('hex');
const env = { ...testEnv, DISCORD_PUBLIC_KEY: publicKeyHex, DISCORD_API_BASE: `${testEnv.POSTER_SERVER}/api` };

/** A body signed as Discord signs it, to send as often as a test likes. */
async function signed(payload: object): Promise<{ body: string; headers: Record<string, string> }> {
  const body = JSON.stringify(payload);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = await crypto.subtle.sign('Ed25519', keys.privateKey, new TextEncoder().encode(timestamp + body));
  return { body, headers: { 'content-type': 'application/json', 'x-signature-ed25519': Buffer.from(signature).toString('hex'), 'x-signature-timestamp': timestamp } };
}

/** Send it, and wait for the work it left in waitUntil. */
async function send({ body, headers }: { body: string; headers: Record<string, string> }): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.request('/interactions', { method: 'POST', headers, body }, env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

let nextId = BigInt(Date.now()) << 22n;
const interaction = (type: number, data?: object) => ({ id: String(nextId++), application_id: '100000000000000001', token: `token-${nextId}`, type, version: 1, data });
const genre = (plot: string) => interaction(2, { type: 1, name: 'genre', options: [{ name: 'plot', type: 3, value: plot }] });

describe('POST /interactions runs each interaction id at most once', () => {
  it('answers a replayed PING with 409, the first with PONG', async () => {
    const ping = await signed(interaction(1));
    const first = await send(ping);
    expect(await first.json()).toEqual({ type: 1 });
    expect(await errorOf(await send(ping))).toMatchObject({ status: 409, code: 'interaction_replayed' });
  });

  it('classifies and calls the webhook for the first /genre, and does nothing for its replay', async () => {
    const webhookCalls = () => fetchSpy.mock.calls.filter(([url]) => String(url instanceof Request ? url.url : url).includes('/api/webhooks/')).length;
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const request = await signed(genre('A haunted house terrifies a family at night.'));

    const first = await send(request);
    expect(await first.json()).toEqual({ type: 5 });
    const afterFirst = webhookCalls();
    expect(afterFirst).toBeGreaterThan(0);

    const replay = await send(request);
    expect(await errorOf(replay)).toEqual({ status: 409, code: 'interaction_replayed', message: expect.stringContaining('already handled') });
    expect(webhookCalls()).toBe(afterFirst);
  });

  it('a replayed /genre whose input was refused at once is refused again, not answered twice', async () => {
    const request = await signed(interaction(2, { type: 1, name: 'genre', options: [] }));
    expect(((await (await send(request)).json()) as { type: number }).type).toBe(4);
    expect((await send(request)).status).toBe(409);
  });

  it('still refuses a bad signature with 401 before looking at the id', async () => {
    const request = await signed(interaction(1));
    const res = await send({ ...request, headers: { ...request.headers, 'x-signature-ed25519': '00'.repeat(64) } });
    expect(await errorOf(res)).toMatchObject({ status: 401, code: 'invalid_signature' });
    expect((await send(request)).status).toBe(200);
  });

  it('forgets ids once their signatures have expired, and keeps the rest', async () => {
    const { firstSighting, rememberedMs } = await import('../../src/discord/replay');
    const t0 = Date.now();
    expect(await firstSighting(testEnv.DB, 'old', 300, t0)).toBe(true);
    expect(await firstSighting(testEnv.DB, 'recent', 300, t0 + rememberedMs(300) - 1000)).toBe(true);
    expect(await firstSighting(testEnv.DB, 'new', 300, t0 + rememberedMs(300) + 1)).toBe(true);
    const ids = await testEnv.DB.prepare('SELECT id FROM seen_interactions WHERE id IN (?1, ?2, ?3)').bind('old', 'recent', 'new').all<{ id: string }>();
    expect(ids.results.map((r) => r.id).sort()).toEqual(['new', 'recent']);
  });

  it('answers 503 while the database cannot be reached: no check, no work', async () => {
    const broken = { ...env, DB: { batch: () => Promise.reject(new Error('D1 is down')), prepare: testEnv.DB.prepare.bind(testEnv.DB) } };
    const request = await signed(interaction(1));
    const ctx = createExecutionContext();
    const res = await app.request('/interactions', { method: 'POST', headers: request.headers, body: request.body }, broken, ctx);
    expect(await errorOf(res)).toMatchObject({ status: 503, code: 'replay_check_unavailable' });
  });
});
