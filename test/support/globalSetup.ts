import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { PROJECT_ROOT } from '../../models/paths';

/**
 * Node tests that start `wrangler dev` (bot, web page) share one private local R2 state with the
 * published models, filled once per run by the real publish command.
 */
export default async function setup(project: TestProject) {
  const persistTo = join(PROJECT_ROOT, 'test-output', 'wrangler-state');
  await promisify(execFile)(join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), ['models/publish.ts', '--persist-to', persistTo, '--if-stale'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, PATH: `${join(PROJECT_ROOT, 'node_modules', '.bin')}:${process.env.PATH}` },
  });
  project.provide('wranglerState', persistTo);
}

declare module 'vitest' {
  export interface ProvidedContext {
    wranglerState: string;
  }
}
