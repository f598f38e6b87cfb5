import type { APIEmbed } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { othersPlot } from '../support/othersPlot';
import { startWorker, type StartedWorker } from '../support/worker';
import { startFakeDiscord, type FakeDiscord } from './fakeDiscord';
import { discordSigner, expectEmbedFor, genreInteraction, PLOTS, POSTERS, predictDirect, startPosterServer, WARNINGS_FIELD, type LocalServer } from './support';

// Serverless mode: Discord's signed HTTP interactions to the real Worker's POST /interactions, which
// classifies in-process and edits the deferred response on the fake Discord (DISCORD_API_BASE).

const signer = discordSigner();
const impostor = discordSigner();

let worker: StartedWorker;
let discord: FakeDiscord;
let posters: LocalServer;

beforeAll(async () => {
  [discord, posters] = await Promise.all([startFakeDiscord(), startPosterServer()]);
  worker = await startWorker({
    persistTo: inject('wranglerState'),
    vars: { DISCORD_PUBLIC_KEY: signer.publicKeyHex, DISCORD_API_BASE: discord.apiBase, POSTER_URL_HOSTS: posters.url },
  });
});

afterAll(async () => {
  await Promise.all([worker?.stop(), discord?.close(), posters?.close()]);
});

const now = () => String(Math.floor(Date.now() / 1000));

function post(body: string, headers: Record<string, string>) {
  return fetch(`${worker.url}/interactions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

/** Signed as Discord signs (a string is sent as it is); `send` replaces the body after signing (tampering). */
function postSigned(payload: object | string, options: { timestamp?: string; key?: typeof signer; send?: string } = {}) {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const timestamp = options.timestamp ?? now();
  const signature = (options.key ?? signer).sign(timestamp, body);
  return post(options.send ?? body, { 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp });
}

/** A PING with an id of its own, also across runs (the Worker's local database keeps the ids it has seen). */
const ping = () => ({ id: genreInteraction('100000000000000001', {}).id, application_id: '100000000000000001', type: 1, token: 'ping-token', version: 1 });

describe('POST /interactions signature checks', () => {
  it('answers a signed PING with PONG', async () => {
    const res = await postSigned(ping());
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ type: 1 });
  });

  it.each([
    ['no signature headers', () => post(JSON.stringify(ping()), {})],
    ['a tampered body', () => postSigned(ping(), { send: JSON.stringify({ ...ping(), type: 2 }) })],
    ['a signature by another key', () => postSigned(ping(), { key: impostor })],
    ['a stale timestamp', () => postSigned(ping(), { timestamp: String(Math.floor(Date.now() / 1000) - 301) })],
    ['a timestamp from the future', () => postSigned(ping(), { timestamp: String(Math.floor(Date.now() / 1000) + 301) })],
    ['a malformed signature', () => post(JSON.stringify(ping()), { 'x-signature-ed25519': 'zz', 'x-signature-timestamp': now() })],
  ])('refuses %s with 401', async (_, send) => {
    const res = await send();
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 'invalid_signature', message: 'request signature is missing, stale or invalid' } });
  });
});

describe('POST /interactions with a correctly signed body that is no interaction', () => {
  const genre = () => genreInteraction(discord.applicationId, { plot: PLOTS.comedy });

  it.each([
    ['a body that is not JSON', () => 'type=1', 'invalid_json', 'interaction body is not JSON'],
    ['null', () => 'null', 'invalid_request', 'not an interaction'],
    ['an application command without data', () => JSON.stringify({ ...genre(), data: undefined }), 'invalid_request', 'data'],
    ['options that are not a list', () => JSON.stringify({ ...genre(), data: { ...genre().data, options: { plot: 'x' } } }), 'invalid_request', 'data.options'],
    ['an attachment without a URL', () => {
      const interaction = genreInteraction(discord.applicationId, { poster: { url: `${posters.url}/attachments/poster.jpg`, filename: 'poster.jpg', contentType: 'image/jpeg' } });
      for (const a of Object.values(interaction.data.resolved!.attachments!)) delete (a as { url?: string }).url;
      return JSON.stringify(interaction);
    }, 'invalid_request', 'url'],
  ])('answers %s with 400 JSON', async (_name, body, code, message) => {
    const res = await postSigned(body());
    expect(res.status).toBe(400);
    const error = ((await res.json()) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe(code);
    expect(error.message).toContain(message);
  });
});

describe('POST /interactions body size', () => {
  const big = JSON.stringify({ ...ping(), padding: 'x'.repeat(100 * 1024) });

  it('refuses a body over 64 KiB with 413 JSON, by Content-Length', async () => {
    const res = await post(big, { 'x-signature-ed25519': 'aa', 'x-signature-timestamp': now() });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: { code: 'body_too_large', message: 'an interaction body is at most 65536 bytes' } });
  });

  it('refuses a chunked body over 64 KiB with 413 JSON, by counting', async () => {
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const res = await fetch(`${worker.url}/interactions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('body_too_large');
  });

  it('still answers a signed PING after refusing one', async () => {
    expect((await postSigned(ping())).status).toBe(200);
  });
});

describe('POST /interactions replayed', () => {
  it('classifies and edits once: the same signed body sent again gets 409 and does nothing', async () => {
    const interaction = genreInteraction(discord.applicationId, { plot: PLOTS.comedy });
    const body = JSON.stringify(interaction);
    const timestamp = now();
    const headers = { 'x-signature-ed25519': signer.sign(timestamp, body), 'x-signature-timestamp': timestamp };
    expect(await (await post(body, headers)).json()).toEqual({ type: 5 });
    await discord.waitForCall((c) => c.method === 'PATCH' && c.path.includes(interaction.token));
    const replay = await post(body, headers);
    expect(replay.status).toBe(409);
    expect(await replay.json()).toEqual({ error: { code: 'interaction_replayed', message: `interaction ${interaction.id} was already handled` } });
    // Work the replay had started would reach Discord before that of a later interaction.
    const later = genreInteraction(discord.applicationId, { plot: PLOTS.horror });
    expect(await (await postSigned(later)).json()).toEqual({ type: 5 });
    await discord.waitForCall((c) => c.method === 'PATCH' && c.path.includes(later.token));
    expect(discord.calls.filter((c) => c.path.includes(interaction.token)).map((c) => c.method)).toEqual(['PATCH']);
  });
});

describe('/genre over HTTP interactions', () => {
  const editOf = (token: string) =>
    discord.waitForCall((c) => c.method === 'PATCH' && c.path === `/webhooks/${discord.applicationId}/${token}/messages/@original` && c.status === 200);

  it('defers, classifies in-process and edits the original response with the embed', async () => {
    const url = `${posters.url}/attachments/poster.jpg`;
    const interaction = genreInteraction(discord.applicationId, { plot: PLOTS.horror, poster: { url, filename: 'poster.jpg', contentType: 'image/jpeg' } });
    const res = await postSigned(interaction);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ type: 5 });

    const edit = await editOf(interaction.token);
    const embed = (edit.body as { embeds: APIEmbed[] }).embeds[0];
    expectEmbedFor(embed, await predictDirect(worker.url, PLOTS.horror, POSTERS.jpeg));
    expect(embed.thumbnail).toEqual({ url });
    expect(embed.description).toContain('plot and poster');
    expect(embed.fields!.at(-1)!.name).toBe('What in the plot points to Horror');
  });

  it("shows the answer's warnings first in the embed", async () => {
    const interaction = genreInteraction(discord.applicationId, { plot: 'zombie' });
    expect(await (await postSigned(interaction)).json()).toEqual({ type: 5 });
    const embed = ((await editOf(interaction.token)).body as { embeds: APIEmbed[] }).embeds[0];
    const expected = await predictDirect(worker.url, 'zombie');
    expect(expected.warnings.map((w) => w.code)).toContain('plot_too_short');
    expectEmbedFor(embed, expected);
    expect(embed.fields![0].name).toBe(WARNINGS_FIELD);
  });

  it('names the likely TMDB genres in the title when the answer is Others', async () => {
    const { plot } = await othersPlot(worker.url);
    const interaction = genreInteraction(discord.applicationId, { plot });
    expect(await (await postSigned(interaction)).json()).toEqual({ type: 5 });
    const embed = ((await editOf(interaction.token)).body as { embeds: APIEmbed[] }).embeds[0];
    expect(embed.title).toMatch(/^🎬 Others — most likely \S/);
    expect(embed.fields!.at(-1)!.name).toBe('What in the plot points to Others');
    expectEmbedFor(embed, await predictDirect(worker.url, plot));
  });

  it('answers input problems at once, ephemerally, without a follow-up', async () => {
    for (const [options, text] of [
      [{}, 'Give me a plot, a poster, or both'],
      // Refused by the API's word rule: answered before deferring, so no public "thinking…".
      [{ plot: '?! …' }, 'That plot has no words'],
      [{ poster: { url: `${posters.url}/attachments/fake.png`, filename: 'clip.mp4', contentType: 'video/mp4' } }, '`clip.mp4` is not a poster I can read (video/mp4)'],
    ] as const) {
      const interaction = genreInteraction(discord.applicationId, options);
      const res = await postSigned(interaction);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { type: number; data: { content: string; flags: number } };
      expect(body).toMatchObject({ type: 4, data: { flags: 64 } });
      expect(body.data.content).toContain(text);
    }
  });

  it('does not show the user the hosts it downloads from when an attachment is elsewhere, and logs the refused one', async () => {
    const url = `${posters.url.replace('127.0.0.1', 'localhost')}/attachments/poster.jpg`;
    const interaction = genreInteraction(discord.applicationId, { poster: { url, filename: 'poster.jpg', contentType: 'image/jpeg' } });
    expect(await (await postSigned(interaction)).json()).toEqual({ type: 5 });
    const followUp = await discord.waitForCall((c) => c.method === 'POST' && c.path === `/webhooks/${discord.applicationId}/${interaction.token}`);
    expect(followUp.body).toEqual({ flags: 64, content: 'I could not download the poster (it is not on a host this bot downloads from). Try attaching it again.' });
    await expect.poll(() => worker.output()).toContain(`posterUrl ${new URL(url).origin} is not a host posters are downloaded from`);
  });

  it('tells only the caller when the poster turns out not to be an image: the deferral is deleted, the error sent as an ephemeral follow-up', async () => {
    const interaction = genreInteraction(discord.applicationId, { poster: { url: `${posters.url}/attachments/fake.png`, filename: 'fake.png', contentType: 'image/png' } });
    expect(await (await postSigned(interaction)).json()).toEqual({ type: 5 });
    const webhook = `/webhooks/${discord.applicationId}/${interaction.token}`;
    const followUp = await discord.waitForCall((c) => c.method === 'POST' && c.path === webhook);
    const deleted = discord.calls.find((c) => c.method === 'DELETE' && c.path === `${webhook}/messages/@original`);
    expect(deleted?.status).toBe(204);
    expect(discord.calls.indexOf(deleted!)).toBeLessThan(discord.calls.indexOf(followUp));
    expect(followUp.body).toMatchObject({ flags: 64, content: expect.stringMatching(/^The classifier refused this input: poster is not a supported image/) });
    expect(discord.calls.some((c) => c.method === 'PATCH' && c.path.startsWith(webhook))).toBe(false);
  });

  it('still sends the ephemeral follow-up when the deferral was already deleted (Unknown Message)', async () => {
    const interaction = genreInteraction(discord.applicationId, { poster: { url: `${posters.url}/attachments/fake.png`, filename: 'fake.png', contentType: 'image/png' } });
    discord.failNext('DELETE', new RegExp(`/${interaction.token}/messages/@original$`), 404, 10008);
    expect(await (await postSigned(interaction)).json()).toEqual({ type: 5 });
    const followUp = await discord.waitForCall((c) => c.method === 'POST' && c.path === `/webhooks/${discord.applicationId}/${interaction.token}`);
    expect(followUp.body).toMatchObject({ flags: 64, content: expect.stringMatching(/^The classifier refused this input/) });
  });

  it('tells the caller privately when Discord refuses the embed, instead of leaving "thinking…" showing', async () => {
    const interaction = genreInteraction(discord.applicationId, { plot: PLOTS.comedy });
    const original = new RegExp(`^/webhooks/\\d+/${interaction.token}/messages/@original$`);
    // The edit and its one retry are both refused.
    discord.rateLimitNext(original, 0.1);
    discord.rateLimitNext(original, 0.1);
    expect(await (await postSigned(interaction)).json()).toEqual({ type: 5 });
    const webhook = `/webhooks/${discord.applicationId}/${interaction.token}`;
    const followUp = await discord.waitForCall((c) => c.method === 'POST' && c.path === webhook);
    expect(followUp.body).toEqual({ content: 'Something went wrong while answering. Please try again.', flags: 64 });
    const calls = discord.calls.filter((c) => c.path.startsWith(webhook)).map((c) => `${c.method} ${c.status}`);
    expect(calls).toEqual(['PATCH 429', 'PATCH 429', 'DELETE 204', 'POST 200']);
  });

  it('waits out a Discord rate limit on the follow-up edit', async () => {
    discord.rateLimitNext(/^\/webhooks\//, 0.3);
    const interaction = genreInteraction(discord.applicationId, { plot: PLOTS.comedy });
    expect(await (await postSigned(interaction)).json()).toEqual({ type: 5 });
    const edit = await editOf(interaction.token);
    const patches = discord.calls.filter((c) => c.method === 'PATCH' && c.path.includes(interaction.token));
    // The fake refuses an early retry with another 429, as Discord does: two PATCHes mean the wait was kept.
    expect(patches.map((p) => p.status)).toEqual([429, 200]);
    expectEmbedFor((edit.body as { embeds: APIEmbed[] }).embeds[0], await predictDirect(worker.url, PLOTS.comedy));
  });
});
