import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { REST, Routes } from 'discord.js';
import { commands } from './commands';
import { ConfigError, loadRegisterConfig } from './config';
import { createLogger } from './log';

// `npm run bot:register [-- --guild <id>]` replaces the application's commands with this bot's:
// in one guild (shows at once; for testing) or globally (every server and DM).
// DISCORD_GUILD_ID does the same as --guild.

if (existsSync('.env')) process.loadEnvFile('.env');

let config;
try {
  const { values } = parseArgs({ options: { guild: { type: 'string' } } });
  config = loadRegisterConfig({ ...process.env, ...(values.guild ? { DISCORD_GUILD_ID: values.guild } : {}) });
} catch (err) {
  // Bad flags (node:util parseArgs: ERR_PARSE_ARGS_* codes) and bad settings alike: a message, exit 2.
  const badFlag = String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
  if (!badFlag && !(err instanceof ConfigError)) throw err;
  process.stderr.write(`${(err as Error).message}${badFlag ? ' Usage: npm run bot:register [-- --guild <id>]' : ''}\n`);
  process.exit(2);
}

const log = createLogger({ secrets: [config.token], level: config.logLevel });
const rest = new REST(config.rest).setToken(config.token);
const route = config.guildId ? Routes.applicationGuildCommands(config.applicationId, config.guildId) : Routes.applicationCommands(config.applicationId);
const body = [...commands.values()].map((c) => c.data);
const scope = config.guildId ? `guild ${config.guildId}` : 'global';
try {
  const registered = (await rest.put(route, { body })) as { id: string; name: string }[];
  log.info('commands registered', { scope, commands: registered.map((c) => ({ name: c.name, id: c.id })) });
} catch (err) {
  log.error('registration failed', { scope, error: err });
  process.exitCode = 1;
}
