import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { PROJECT_ROOT } from '../../models/paths';
import { chosenChromium, unpackedChromium, type ChromiumBinary } from '../web/chromium';
import { leftoverProcesses, RUN_MARKER } from './processes';
import { applyMigrations } from './worker';

/**
 * Node tests that start `wrangler dev` (bot, web page) share one private local state with the published
 * models in R2, filled once per run by the real publish command, and the D1 schema of migrations/. The browser tests get the Chromium
 * to drive. Afterwards, no process that the run started may still be running.
 */
export default async function setup(project: TestProject) {
  // Inherited by every process the tests start (the forks run with this environment); kept if a test runs vitest.
  const run = (process.env[RUN_MARKER] ??= randomUUID());
  const persistTo = join(PROJECT_ROOT, 'test-output', 'wrangler-state');
  const published = promisify(execFile)(join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), ['models/cli/publish.ts', '--persist-to', persistTo, '--if-stale'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, PATH: `${join(PROJECT_ROOT, 'node_modules', '.bin')}:${process.env.PATH}` },
  });
  const chosen = chosenChromium();
  const [chromium] = await Promise.all([chosen ? { executablePath: chosen, env: {} } : unpackedChromium(), published.then(() => applyMigrations(persistTo))]);
  project.provide('wranglerState', persistTo);
  project.provide('chromium', chromium);

  return async () => {
    const left = await leftoverProcesses(run, process.pid);
    if (left.length === 0) return;
    for (const { pid } of left) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // exited meanwhile
      }
    }
    // vitest reports an error thrown here but still exits with 0.
    process.exitCode = 1;
    throw new Error(`the tests left ${left.length} process(es) running (now killed):\n${left.map((p) => `  ${p.pid} ${p.command}`).join('\n')}`);
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    wranglerState: string;
    chromium: ChromiumBinary;
  }
}
