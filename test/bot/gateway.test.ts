import type { APIEmbed } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startBot, type BotOptions, type RunningBot } from '../../bot/bot';
import { loadBotConfig } from '../../bot/config';
import { createLogger } from '../../bot/log';
import { othersPlot } from '../support/othersPlot';
import { freePort } from '../support/ports';
import { startTogether } from '../support/startTogether';
import { startWorker, type StartedWorker } from '../support/worker';
import { startFakeDiscord, type FakeDiscord, type RecordedCall } from './fakeDiscord';
import { expectEmbedFor, genreInteraction, listen, PLOTS, POSTERS, predictDirect, startPosterServer, TMDB_FIELD, WARNINGS_FIELD, type LocalServer, type PosterOption } from './support';

// End to end: the real discord.js Client against the fake Discord, and the real Worker (wrangler dev,
// published models) answering /predict and downloading the posters from a local stand-in for Discord's CDN.

const TOKEN = 'fake-bot-token.that-must-never-be-logged';

let worker: StartedWorker;
let discord: FakeDiscord;
let posters: LocalServer;
/** A poster host that never answers, allow-listed like `posters`. */
let silentPosters: LocalServer;

beforeAll(async () => {
  // The Worker downloads posters from these origins only (scheme, host and port): they must exist first.
  [posters, silentPosters] = await Promise.all([startPosterServer(), silentServer()]);
  [worker, discord] = await startTogether<[StartedWorker, FakeDiscord]>([
    startWorker({ persistTo: inject('wranglerState'), vars: { POSTER_URL_HOSTS: `${posters.url},${silentPosters.url}` } }),
    startFakeDiscord(),
  ]);
});

afterAll(async () => {
  await Promise.all([worker?.stop(), discord?.close(), posters?.close(), silentPosters?.close()]);
});

interface TestBot {
  bot: RunningBot;
  logs: string[];
}

async function startTestBot(predictUrl: string, env: Record<string, string> = {}, options: BotOptions = {}): Promise<TestBot> {
  const config = loadBotConfig({
    DISCORD_TOKEN: TOKEN,
    DISCORD_APPLICATION_ID: discord.applicationId,
    DISCORD_API_BASE: discord.apiBase,
    PREDICT_URL: predictUrl,
    PREDICT_RETRY_DELAY_MS: '50',
    ...env,
  });
  const logs: string[] = [];
  const bot = await startBot(config, createLogger({ secrets: [config.token], write: (l) => logs.push(l) }), options);
  return { bot, logs };
}

/** Runs `fn` with a bot that is stopped afterwards, so only one bot at a time receives dispatches. */
async function withBot(predictUrl: string, env: Record<string, string>, fn: (t: TestBot) => Promise<void>) {
  const t = await startTestBot(predictUrl, env);
  try {
    await fn(t);
  } finally {
    await t.bot.stop();
  }
  expect(t.logs.join('\n')).not.toContain(TOKEN);
  expect(t.logs.join('\n')).not.toContain('interaction-token-');
}

const poster = (file: 'poster.jpg' | 'poster.png' | 'fake.png', extra: Partial<PosterOption> = {}): PosterOption => ({
  url: `${posters.url}/attachments/${file}`,
  filename: file,
  contentType: file.endsWith('jpg') ? 'image/jpeg' : 'image/png',
  ...extra,
});

const RESTARTING = 'The bot is restarting; please try again in a moment.';

/**
 * Dispatches /genre (or `name`) and returns the interaction callback and, for a deferred one, the edit
 * of @original, or the private answer to a failure: @original deleted, then an ephemeral follow-up.
 */
async function invoke(options: { plot?: string; poster?: PosterOption }, name = 'genre') {
  const interaction = genreInteraction(discord.applicationId, options);
  interaction.data.name = name;
  discord.dispatchInteraction(interaction);
  const callback = await discord.waitForCall((c) => c.method === 'POST' && c.path === `/interactions/${interaction.id}/${interaction.token}/callback`);
  const webhook = `/webhooks/${discord.applicationId}/${interaction.token}`;
  const edit = () => discord.waitForCall((c) => c.method === 'PATCH' && c.path === `${webhook}/messages/@original` && c.status === 200);
  const followUp = async () => {
    const deleted = await discord.waitForCall((c) => c.method === 'DELETE' && c.path === `${webhook}/messages/@original`);
    const sentPrivately = await discord.waitForCall((c) => c.method === 'POST' && c.path === webhook);
    expect(discord.calls.indexOf(deleted)).toBeLessThan(discord.calls.indexOf(sentPrivately));
    expect(sentPrivately.body).toMatchObject({ flags: 64 });
    expect(discord.calls.some((c) => c.method === 'PATCH' && c.path.startsWith(webhook))).toBe(false);
    return sentPrivately;
  };
  return { interaction, callback, edit, followUp };
}

/** A server that takes requests and never answers. */
const silentServer = () =>
  listen(() => {
    // never answers
  });

const embedOf = (edit: RecordedCall) => (edit.body as { embeds: APIEmbed[] }).embeds[0];
const contentOf = (edit: RecordedCall) => (edit.body as { content: string }).content;

describe('/genre through the gateway with the real Worker', () => {
  it('defers, then edits in the embed for a plot', async () => {
    await withBot(`${worker.url}/predict`, {}, async ({ logs }) => {
      const { callback, edit } = await invoke({ plot: PLOTS.horror });
      expect(callback.body).toMatchObject({ type: 5 });
      const edited = await edit();
      // Deferred before classifying: Discord's 3 s to answer never wait on the classifier.
      expect(discord.calls.indexOf(callback)).toBeLessThan(discord.calls.indexOf(edited));
      const embed = embedOf(edited);
      expectEmbedFor(embed, await predictDirect(worker.url, PLOTS.horror));
      expect(embed.description).toContain('judged from the plot.');
      expect(embed.fields!.map((f) => f.name)).toEqual(['Top 3', TMDB_FIELD, 'What in the plot points to Horror']);
      expect(embed.thumbnail).toBeUndefined();
      expect(logs.some((l) => JSON.parse(l).msg === 'genre answered')).toBe(true);
    });
  });

  it('classifies plot and poster together and shows the poster as thumbnail', async () => {
    await withBot(`${worker.url}/predict`, {}, async () => {
      const attachment = poster('poster.jpg');
      const { callback, edit } = await invoke({ plot: PLOTS.comedy, poster: attachment });
      expect(callback.body).toMatchObject({ type: 5 });
      const embed = embedOf(await edit());
      expectEmbedFor(embed, await predictDirect(worker.url, PLOTS.comedy, POSTERS.jpeg));
      expect(embed.description).toContain('plot and poster');
      expect(embed.thumbnail).toEqual({ url: attachment.url });
    });
  });

  it('classifies a poster alone', async () => {
    await withBot(`${worker.url}/predict`, {}, async () => {
      const { edit } = await invoke({ poster: poster('poster.png') });
      const embed = embedOf(await edit());
      expect(embed.description).toContain('judged from the poster.');
      // No plot, no evidence field (expectEmbedFor checks the fields).
      expectEmbedFor(embed, await predictDirect(worker.url, undefined, POSTERS.png));
      expect(embed.fields!.some((f) => f.name.startsWith('What in the plot'))).toBe(false);
    });
  });

  it("shows the answer's warnings first in the embed", async () => {
    await withBot(`${worker.url}/predict`, {}, async () => {
      const { edit } = await invoke({ plot: 'zombie' });
      const embed = embedOf(await edit());
      const expected = await predictDirect(worker.url, 'zombie');
      expect(expected.warnings.map((w) => w.code)).toContain('plot_too_short');
      expectEmbedFor(embed, expected);
      expect(embed.fields![0].name).toBe(WARNINGS_FIELD);
    });
  });

  it('names the likely TMDB genres in the title when the answer is Others, and quotes the plot evidence', async () => {
    const { plot } = await othersPlot(worker.url);
    await withBot(`${worker.url}/predict`, {}, async () => {
      const { edit } = await invoke({ plot });
      const embed = embedOf(await edit());
      expect(embed.title).toMatch(/^🎬 Others — most likely \S/);
      expect(embed.fields!.at(-1)).toMatchObject({ name: 'What in the plot points to Others', value: expect.stringMatching(/^“.+”$/) });
      expectEmbedFor(embed, await predictDirect(worker.url, plot));
    });
  });

  it('answers ephemerally, without deferring, when no option is given or the attachment is not an accepted image', async () => {
    await withBot(`${worker.url}/predict`, {}, async () => {
      const cases = [
        [{}, 'Give me a plot, a poster, or both'],
        [{ plot: '   ' }, 'Give me a plot, a poster, or both'],
        // Refused by the API's word rule: answered before deferring, so no public "thinking…".
        [{ plot: '?! …' }, 'That plot has no words'],
        [{ poster: poster('fake.png', { filename: 'notes.txt', contentType: 'text/plain' }) }, '`notes.txt` is not a poster I can read (text/plain)'],
        [{ poster: poster('fake.png', { filename: 'anim.gif', contentType: 'image/gif' }) }, 'Attach a JPEG, PNG, WebP or BMP image'],
        [{ poster: poster('poster.jpg', { size: 6 * 1024 * 1024 }) }, 'That poster is 6.0 MiB; the limit is 5.0 MiB'],
        [{ poster: poster('poster.jpg', { width: 3024, height: 4032 }) }, 'That poster is 3024×4032 pixels; the limit is 2,000,000 pixels'],
      ] as const;
      for (const [options, message] of cases) {
        const { callback } = await invoke(options);
        expect(callback.body).toMatchObject({ type: 4, data: { flags: 64 } });
        expect((callback.body as { data: { content: string } }).data.content).toContain(message);
      }
    });
  });

  // The deferral is deleted and the error sent as an ephemeral follow-up: only the caller sees it.
  it('passes on the Worker refusing an attachment labelled PNG that is text, after the defer and privately, as the serverless command does', async () => {
    await withBot(`${worker.url}/predict`, {}, async () => {
      const { callback, followUp } = await invoke({ poster: poster('fake.png') });
      expect(callback.body).toMatchObject({ type: 5 });
      expect(contentOf(await followUp())).toMatch(/^The classifier refused this input: poster is not a supported image/);
    });
  });

  it('does not show the user the hosts posters may come from when an attachment is elsewhere, and logs the refused one', async () => {
    await withBot(`${worker.url}/predict`, {}, async ({ logs }) => {
      const elsewhere = poster('poster.jpg', { url: `${posters.url.replace('127.0.0.1', 'localhost')}/attachments/poster.jpg` });
      const { followUp } = await invoke({ poster: elsewhere });
      const content = contentOf(await followUp());
      expect(content).toBe('I could not download the poster (it is not on a host this bot downloads from). Try attaching it again.');
      expect(logs.join('\n')).toContain(`posterUrl ${new URL(elsewhere.url).origin} is not a host posters are downloaded from`);
    });
  });

  it('tells the user when /predict is down, retries once, and keeps serving', async () => {
    const downUrl = `http://127.0.0.1:${await freePort()}/predict`;
    await withBot(downUrl, {}, async ({ logs }) => {
      const { callback, followUp } = await invoke({ plot: PLOTS.horror });
      expect(callback.body).toMatchObject({ type: 5 });
      expect(contentOf(await followUp())).toBe('The genre classifier is unavailable right now. Please try again in a minute.');
      expect(logs.filter((l) => JSON.parse(l).msg === 'predict failed, retrying once')).toHaveLength(1);
      // Still up: the next invocation is answered.
      const next = await invoke({});
      expect(next.callback.body).toMatchObject({ type: 4 });
    });
  });

  it('gives up on a slow /predict after the configured timeout', async () => {
    const slow = await silentServer();
    try {
      await withBot(`${slow.url}/predict`, { PREDICT_TIMEOUT_MS: '400' }, async () => {
        const { callback, followUp } = await invoke({ plot: PLOTS.comedy });
        expect(callback.body).toMatchObject({ type: 5 });
        const answered = await followUp();
        // The stand-in never answers: only the timeout can have ended the wait.
        expect(contentOf(answered)).toBe('The genre classifier did not answer within 1 s. Please try again in a minute.');
      });
    } finally {
      await slow.close();
    }
  });

  it('retries once on a transient 503 and then answers', async () => {
    let requests = 0;
    const flaky = await listen(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      if (requests++ === 0) {
        res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'models_unavailable', message: 'loading' } }));
        return;
      }
      const upstream = await fetch(`${worker.url}/predict`, { method: 'POST', headers: { 'content-type': req.headers['content-type']! }, body: Buffer.concat(chunks) });
      res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text());
    });
    try {
      await withBot(`${flaky.url}/predict`, {}, async () => {
        const { edit } = await invoke({ plot: PLOTS.horror });
        expectEmbedFor(embedOf(await edit()), await predictDirect(worker.url, PLOTS.horror));
        expect(requests).toBe(2);
      });
    } finally {
      await flaky.close();
    }
  });

  it('waits out a Discord rate limit on the edit, and logs it', async () => {
    await withBot(`${worker.url}/predict`, {}, async ({ logs }) => {
      discord.rateLimitNext(/^\/webhooks\//, 0.3);
      const { interaction, edit } = await invoke({ plot: PLOTS.comedy });
      const done = await edit();
      const patches = discord.calls.filter((c) => c.method === 'PATCH' && c.path.includes(interaction.token));
      // The fake refuses an early retry with another 429, as Discord does: two PATCHes mean the wait was kept.
      expect(patches.map((p) => p.status)).toEqual([429, 200]);
      expect(embedOf(done).title).toMatch(/^🎬 /);
      const limit = logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'discord rate limit');
      expect(limit).toMatchObject({ level: 'warn', global: false });
      expect(limit.route).toMatch(/^\/webhooks\//);
      expect(limit.retryAfterMs).toBeGreaterThan(0);
    });
  });

  it('finishes an interaction in progress before it stops', async () => {
    // Holds each /predict for a moment so that the stop lands while the answer is pending.
    const delayed = await listen(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      await new Promise((r) => setTimeout(r, 500));
      const upstream = await fetch(`${worker.url}/predict`, { method: 'POST', headers: { 'content-type': req.headers['content-type']! }, body: Buffer.concat(chunks) });
      res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text());
    });
    const { bot, logs } = await startTestBot(`${delayed.url}/predict`);
    try {
      const { interaction, callback } = await invoke({ plot: PLOTS.horror });
      expect(callback.body).toMatchObject({ type: 5 });
      await bot.stop();
      const edits = discord.calls.filter((c) => c.method === 'PATCH' && c.path.includes(interaction.token) && c.status === 200);
      expect(edits).toHaveLength(1);
      expectEmbedFor(embedOf(edits[0]), await predictDirect(worker.url, PLOTS.horror));
      expect(logs.map((l) => JSON.parse(l).msg)).toEqual(expect.arrayContaining(['shutting down', 'stopped']));
      expect(JSON.parse(logs.find((l) => l.includes('shutting down'))!)).toMatchObject({ inFlight: 1 });
    } finally {
      await delayed.close();
    }
  });

  it('answers an unknown command ephemerally, as the HTTP endpoint does', async () => {
    await withBot(`${worker.url}/predict`, {}, async () => {
      const { callback } = await invoke({ plot: PLOTS.horror }, 'oldgenre');
      expect(callback.body).toEqual({ type: 4, data: expect.objectContaining({ content: 'This app only knows `/genre`.', flags: 64 }) });
    });
  });

  it('still sends the ephemeral follow-up when the deferral was already deleted (Unknown Message)', async () => {
    await withBot(`${worker.url}/`, {}, async () => {
      discord.failNext('DELETE', /\/messages\/@original$/, 404, 10008);
      const { followUp } = await invoke({ plot: PLOTS.horror });
      expect(contentOf(await followUp())).toContain('configuration problem on our side');
    });
  });

  it('answers a user command ephemerally as unknown, even one named genre (a stale registration)', async () => {
    await withBot(`${worker.url}/predict`, {}, async ({ logs }) => {
      const base = genreInteraction(discord.applicationId, {});
      const target = base.user!;
      const userCommand = { ...base, data: { id: '200000000000000009', name: 'genre', type: 2, target_id: target.id, resolved: { users: { [target.id]: target } } } };
      discord.dispatchInteraction(userCommand);
      const callback = await discord.waitForCall((c) => c.method === 'POST' && c.path === `/interactions/${base.id}/${base.token}/callback`);
      expect(callback.body).toEqual({ type: 4, data: expect.objectContaining({ content: 'This app only knows `/genre`.', flags: 64 }) });
      expect(logs.map((l) => JSON.parse(l).msg)).toContain('unknown command');
    });
  });

  it('reports a /predict that refuses the bot itself (PREDICT_URL without /predict: 405) as misconfiguration, logged as an error', async () => {
    await withBot(`${worker.url}/`, {}, async ({ logs }) => {
      const { followUp } = await invoke({ plot: PLOTS.horror });
      const content = contentOf(await followUp());
      expect(content).toBe('The bot cannot reach the genre classifier because of a configuration problem on our side. Please try again later.');
      expect(content).not.toContain('refused this input');
      const error = logs.map((l) => JSON.parse(l)).find((l) => l.level === 'error');
      expect(error).toMatchObject({ status: 405, code: 'method_not_allowed' });
      expect(error.msg).toContain('configuration problem');
    });
  });

  it('aborts an interaction still running when the grace period ends, and tells the user the bot is restarting', async () => {
    const slow = await silentServer();
    const { bot, logs } = await startTestBot(`${slow.url}/predict`, { PREDICT_TIMEOUT_MS: '30000' }, { shutdownGraceMs: 300 });
    try {
      const { callback, followUp } = await invoke({ plot: PLOTS.horror });
      expect(callback.body).toMatchObject({ type: 5 });
      await bot.stop();
      // Had it waited, the answer would be the 30 s timeout's; it is the restart notice, sent at the abort.
      expect(contentOf(await followUp())).toBe(RESTARTING);
      expect(logs.map((l) => JSON.parse(l).msg)).toEqual(expect.arrayContaining(['interaction aborted at shutdown', 'stopped']));
      expect(logs.some((l) => JSON.parse(l).msg === 'command failed')).toBe(false);
    } finally {
      await slow.close();
    }
  });

  it('stops waiting at shutdown while the Worker is still downloading the poster, instead of letting it run to its 5 s timeout', async () => {
    const { bot } = await startTestBot(`${worker.url}/predict`, {}, { shutdownGraceMs: 300 });
    const { callback, followUp } = await invoke({ poster: { url: `${silentPosters.url}/attachments/poster.jpg`, filename: 'poster.jpg', contentType: 'image/jpeg' } });
    expect(callback.body).toMatchObject({ type: 5 });
    await bot.stop();
    // Had it waited for the Worker, the answer would be the Worker's own: the download timed out after 5 s.
    expect(contentOf(await followUp())).toBe(RESTARTING);
  });

  it('answers an interaction arriving while it stops with an ephemeral "restarting" instead of dropping it', async () => {
    const slow = await silentServer();
    const { bot } = await startTestBot(`${slow.url}/predict`, { PREDICT_TIMEOUT_MS: '30000' }, { shutdownGraceMs: 1_500 });
    try {
      const first = await invoke({ plot: PLOTS.horror });
      expect(first.callback.body).toMatchObject({ type: 5 });
      const stopped = bot.stop();
      const late = genreInteraction(discord.applicationId, { plot: PLOTS.comedy });
      discord.dispatchInteraction(late);
      const callback = await discord.waitForCall((c) => c.method === 'POST' && c.path === `/interactions/${late.id}/${late.token}/callback`, 1_000);
      expect(callback.body).toEqual({ type: 4, data: expect.objectContaining({ content: RESTARTING, flags: 64 }) });
      await stopped;
    } finally {
      await slow.close();
    }
  });
});
