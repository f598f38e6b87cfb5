import { z } from 'zod';
import { DISCORD_API_BASE } from '../src/shared/discord/endpoints';

const snowflake = (name: string) => z.string({ error: `${name} is required` }).regex(/^\d{1,20}$/, `${name} must be a numeric Discord id`);
const positiveMs = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const discordSchema = z.object({
  DISCORD_TOKEN: z.string({ error: 'DISCORD_TOKEN is required (Developer Portal > Bot > Reset Token)' }).min(1, 'DISCORD_TOKEN is empty'),
  DISCORD_APPLICATION_ID: snowflake('DISCORD_APPLICATION_ID'),
  // Same meaning as the Worker's DISCORD_API_BASE: REST base including the version; tests point it at a fake.
  DISCORD_API_BASE: z
    .string()
    .regex(/^https?:\/\/.+\/v\d+\/?$/, `DISCORD_API_BASE must be an http(s) URL ending in /v<version>, e.g. ${DISCORD_API_BASE}`)
    .default(DISCORD_API_BASE),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

const botSchema = discordSchema.extend({
  PREDICT_URL: z.url({ protocol: /^https?$/, error: 'PREDICT_URL must be the http(s) URL of the Worker\'s /predict' }),
  PREDICT_TOKEN: z.string().min(1).optional(),
  PREDICT_TIMEOUT_MS: positiveMs(20_000),
  PREDICT_RETRY_DELAY_MS: positiveMs(1_000),
});

const registerSchema = discordSchema.extend({
  DISCORD_GUILD_ID: snowflake('DISCORD_GUILD_ID').optional(),
});

export type BotConfig = ReturnType<typeof toBotConfig>;
export type RegisterConfig = ReturnType<typeof toRegisterConfig>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example and docs/discord.md.`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

// Empty variables (KEY= in .env) count as unset, so optional ones fall back to their defaults.
const present = (env: Env) => Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));

function parse<S extends z.ZodType>(schema: S, env: Env): z.infer<S> {
  const result = schema.safeParse(present(env));
  // Messages name the variable but never echo its value: it may be a token.
  if (!result.success) throw new ConfigError(result.error.issues.map((i) => (i.message.includes(String(i.path[0])) ? i.message : `${String(i.path[0])}: ${i.message}`)));
  return result.data;
}

function discordParts(e: z.infer<typeof discordSchema>) {
  const [, api, version] = /^(.*)\/v(\d+)\/?$/.exec(e.DISCORD_API_BASE)!;
  return { token: e.DISCORD_TOKEN, applicationId: e.DISCORD_APPLICATION_ID, rest: { api, version }, logLevel: e.LOG_LEVEL };
}

const toBotConfig = (e: z.infer<typeof botSchema>) => {
  const predict = { url: e.PREDICT_URL, token: e.PREDICT_TOKEN, timeoutMs: e.PREDICT_TIMEOUT_MS, retryDelayMs: e.PREDICT_RETRY_DELAY_MS };
  // Corrections from the "Correct genre…" menu go to the same Worker, with the same token and limits.
  return { ...discordParts(e), predict, feedback: { ...predict, url: new URL('/feedback', e.PREDICT_URL).href } };
};

const toRegisterConfig = (e: z.infer<typeof registerSchema>) => ({ ...discordParts(e), guildId: e.DISCORD_GUILD_ID });

export const loadBotConfig = (env: Env = process.env) => toBotConfig(parse(botSchema, env));
export const loadRegisterConfig = (env: Env = process.env) => toRegisterConfig(parse(registerSchema, env));
