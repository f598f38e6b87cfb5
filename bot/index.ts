import { existsSync } from 'node:fs';
import { startBot } from './bot';
import { ConfigError, loadBotConfig } from './config';
import { createLogger } from './log';

// `npm run bot`: the gateway bot. Settings come from the environment, or from .env when present
// (variables already set win over the file).
if (existsSync('.env')) process.loadEnvFile('.env');

let config;
try {
  config = loadBotConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(2);
}

const log = createLogger({ secrets: [config.token, config.predict.token], level: config.logLevel });
process.on('unhandledRejection', (reason) => log.error('unhandled rejection', { error: reason }));

try {
  const bot = await startBot(config, log);
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info('signal received', { signal });
    bot.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error('shutdown failed', { error: err });
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
} catch (err) {
  log.error('bot failed to start', { error: err });
  process.exit(1);
}
