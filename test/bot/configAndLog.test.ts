import { describe, expect, it } from 'vitest';
import { ConfigError, loadBotConfig, loadRegisterConfig } from '../../bot/config';
import { createLogger } from '../../bot/log';

const BASE = { DISCORD_TOKEN: 'tkn.secret-value', DISCORD_APPLICATION_ID: '123456789012345678', PREDICT_URL: 'https://genre.example.workers.dev/predict' };

describe('bot config', () => {
  it('applies defaults and splits the Discord API base for discord.js', () => {
    expect(loadBotConfig({ ...BASE, PREDICT_TOKEN: '' })).toEqual({
      token: 'tkn.secret-value',
      applicationId: '123456789012345678',
      rest: { api: 'https://discord.com/api', version: '10' },
      logLevel: 'info',
      predict: { url: BASE.PREDICT_URL, token: undefined, timeoutMs: 20_000, retryDelayMs: 1_000 },
      // On the origin of PREDICT_URL, whatever its path.
      feedback: { url: 'https://genre.example.workers.dev/feedback', token: undefined, timeoutMs: 20_000, retryDelayMs: 1_000 },
    });
    expect(loadRegisterConfig({ ...BASE, DISCORD_GUILD_ID: '42' }).guildId).toBe('42');
  });

  it('lists every problem and never the secret values', () => {
    let error: ConfigError | undefined;
    try {
      loadBotConfig({ DISCORD_APPLICATION_ID: 'abc', PREDICT_URL: 'not a url', PREDICT_TIMEOUT_MS: '-5', PREDICT_TOKEN: 'tkn.secret-value' });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems).toEqual([
      'DISCORD_TOKEN is required (Developer Portal > Bot > Reset Token)',
      'DISCORD_APPLICATION_ID must be a numeric Discord id',
      "PREDICT_URL must be the http(s) URL of the Worker's /predict",
      'PREDICT_TIMEOUT_MS: Too small: expected number to be >0',
    ]);
    expect(error!.message).not.toContain('tkn.secret-value');
  });
});

describe('JSON-lines logger', () => {
  it('redacts configured secrets, secret-named fields and interaction tokens in URLs', () => {
    const lines: string[] = [];
    const log = createLogger({ secrets: ['bot-token-value'], write: (l) => lines.push(l) });
    log.error('request failed', {
      error: new Error('PATCH https://discord.com/api/v10/webhooks/123/aW50ZXJhY3Rpb24.token/messages/@original with bot-token-value failed'),
      authorization: 'Bot whatever',
      nested: { predictToken: 'abc' },
      status: 500,
    });
    log.debug('hidden at the default level');
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]);
    expect(entry).toMatchObject({
      level: 'error',
      msg: 'request failed',
      authorization: '[redacted]',
      nested: { predictToken: '[redacted]' },
      status: 500,
      error: { name: 'Error', message: 'PATCH https://discord.com/api/v10/webhooks/123/[redacted]/messages/@original with [redacted] failed' },
    });
    expect(entry.time).toMatch(/^\d{4}-\d\d-\d\dT/);
  });
});
