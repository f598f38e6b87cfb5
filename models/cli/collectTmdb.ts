import { existsSync } from 'node:fs';
import { UsageError } from './args';
import { parseCli, USAGE } from '../data/tmdb/cliOptions';
import { collectTmdb } from '../data/tmdb/collector';
import { createProgress } from '../data/tmdb/progress';
import { formatSummary } from '../data/tmdb/summary';

// `npm run data:tmdb -- --out DIR`: a fresh dataset from the TMDB API in the shared dataset's format.

async function main(): Promise<number> {
  // Variables already set in the environment win over the file (same as `npm run bot`).
  if (existsSync('.env')) process.loadEnvFile('.env');
  let options;
  try {
    options = parseCli(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`error: ${err.message}\nRun with --help for usage.\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }

  const controller = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\nInterrupted: saving what is done (Ctrl-C again to quit at once)...\n');
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  const progress = createProgress(process.stderr);
  try {
    const summary = await collectTmdb({ ...options, signal: controller.signal, progress });
    process.stdout.write(`${formatSummary(summary)}\n`);
    if (summary.interrupted) return 130;
    if (summary.totalRows === 0) {
      process.stderr.write('error: no movie was kept, so no dataset was written: see the skip reasons above\n');
      return 1;
    }
    return 0;
  } catch (err) {
    // Messages from the client are already redacted; this is the last line of defence for the secret.
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`error: ${message.replaceAll(options.auth.secret, '***')}\n`);
    return 1;
  }
}

process.exitCode = await main();
