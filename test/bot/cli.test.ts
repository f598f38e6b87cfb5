import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript } from '../support/runScript';
import { startFakeDiscord, type FakeDiscord } from './fakeDiscord';
import { genreInteraction } from './support';

// The two npm scripts as processes: `npm run bot` (tsx bot/index.ts) and `npm run bot:register`.
// They run in an empty directory so a developer's .env cannot leak in; one test writes a .env there.

const TOKEN = 'cli-test-token.must-not-appear-in-output';

let discord: FakeDiscord;
let cwd: string;

beforeAll(async () => {
  discord = await startFakeDiscord();
  cwd = await mkdtemp(join(tmpdir(), 'genre-bot-'));
});

afterAll(async () => {
  await discord?.close();
  if (cwd) await rm(cwd, { recursive: true, force: true });
});

const run = (script: string, env: Record<string, string>, args: string[] = []) => runScript(`bot/${script}`, args, env, cwd);

const discordEnv = () => ({ DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: discord.applicationId, DISCORD_API_BASE: discord.apiBase });
const lines = (out: string) => out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: string; msg: string } & Record<string, unknown>);

async function until(probe: () => boolean, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('npm run bot', () => {
  it('exits with code 2 and names every bad variable, without echoing values', async () => {
    const bot = run('index.ts', { DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: 'not-a-number', PREDICT_URL: 'ftp://example.com' });
    expect(await bot.exited).toBe(2);
    expect(bot.stderr()).toContain('DISCORD_APPLICATION_ID must be a numeric Discord id');
    expect(bot.stderr()).toContain("PREDICT_URL must be the http(s) URL of the Worker's /predict");
    expect(bot.stderr()).not.toContain(TOKEN);
    expect(bot.stderr()).not.toContain('ftp://');
    expect(bot.stdout()).toBe('');
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('reads .env, serves /genre, and shuts down cleanly on %s with JSON logs free of secrets', async (signal) => {
    const env = { ...discordEnv(), PREDICT_URL: 'http://127.0.0.1:9/predict', PREDICT_TOKEN: 'predict-secret-token' };
    await writeFile(join(cwd, '.env'), Object.entries(env).map(([k, v]) => `${k}=${v}`).join('\n'));
    const bot = run('index.ts', {});
    const interaction = genreInteraction(discord.applicationId, {});
    try {
      await until(() => bot.stdout().includes('"bot ready"'), 'bot ready');
      discord.dispatchInteraction(interaction);
      const callback = await discord.waitForCall((c) => c.path === `/interactions/${interaction.id}/${interaction.token}/callback`);
      expect(callback.body).toMatchObject({ type: 4, data: { flags: 64 } });
      expect(discord.calls.find((c) => c.path === '/gateway/bot')?.headers.authorization).toBe(`Bot ${TOKEN}`);

      bot.signal(signal);
      expect(await bot.exited).toBe(0);
    } finally {
      bot.kill();
      await rm(join(cwd, '.env'));
    }
    const log = lines(bot.stdout());
    expect(log.map((l) => l.msg)).toEqual(expect.arrayContaining(['bot ready', 'genre refused', 'signal received', 'shutting down', 'stopped']));
    expect(log.find((l) => l.msg === 'signal received')).toMatchObject({ level: 'info', signal });
    const all = bot.stdout() + bot.stderr();
    for (const secret of [TOKEN, 'predict-secret-token', interaction.token]) expect(all).not.toContain(secret);
  });
});

describe('npm run bot:register', () => {
  it('answers an unknown flag with a one-line usage error and exit code 2', async () => {
    const register = run('register.ts', discordEnv(), ['--gild', '600000000000000001']);
    expect(await register.exited).toBe(2);
    expect(register.stderr().trim().split('\n')).toEqual([expect.stringMatching(/^Unknown option '--gild'.* Usage: npm run bot:register \[-- --guild <id>\]$/)]);
    expect(register.stdout()).toBe('');
  });

  it.each([
    ['globally', [], `/applications/${'100000000000000001'}/commands`],
    ['in one guild with --guild', ['--guild', '600000000000000001'], `/applications/${'100000000000000001'}/guilds/600000000000000001/commands`],
  ])('registers /genre %s', async (_, args, path) => {
    const register = run('register.ts', discordEnv(), args);
    expect(await register.exited).toBe(0);
    const put = discord.calls.findLast((c) => c.method === 'PUT')!;
    expect(put.path).toBe(path);
    expect(put.headers.authorization).toBe(`Bot ${TOKEN}`);
    const [command] = put.body as { name: string; options: { name: string; type: number; max_length?: number }[] }[];
    expect(command.name).toBe('genre');
    expect(command.options.map((o) => [o.name, o.type, o.max_length])).toEqual([
      ['plot', 3, 5000],
      ['poster', 11, undefined],
    ]);
    expect(lines(register.stdout())).toEqual([expect.objectContaining({ level: 'info', msg: 'commands registered', commands: [{ name: 'genre', id: expect.any(String) }] })]);
    expect(register.stdout() + register.stderr()).not.toContain(TOKEN);
  });
});
