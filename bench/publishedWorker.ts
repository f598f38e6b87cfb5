import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../models/paths';
import type { applyMigrations, StartedWorker, StartWorkerOptions, startWorker } from '../test/support/worker';

/**
 * `wrangler dev` of a checkout (this one by default) with its models published into a fresh local state,
 * which stop() removes, and its D1 migrations applied. `vars` are passed as `--var`; `options` go to startWorker.
 */
export async function publishedWorker(root = PROJECT_ROOT, vars?: Record<string, string>, options: Pick<StartWorkerOptions, 'script' | 'env'> = {}): Promise<StartedWorker> {
  const state = await mkdtemp(join(tmpdir(), 'genre-bench-state-'));
  // Before model v2 the publish script was models/publish.ts.
  const script = ['models/cli/publish.ts', 'models/publish.ts'].find((s) => existsSync(join(root, s)))!;
  await promisify(execFile)(join(root, 'node_modules', '.bin', 'tsx'), [script, '--persist-to', state], { cwd: root });
  // The checkout's own harness: an older one may start its Worker differently, and have no database.
  const harness = (await import(join(root, 'test', 'support', 'worker.ts'))) as { startWorker: typeof startWorker; applyMigrations?: typeof applyMigrations };
  await harness.applyMigrations?.(state, root);
  const worker = await harness.startWorker({ persistTo: state, ...options, ...(vars ? { vars } : {}) });
  return {
    ...worker,
    async stop() {
      await worker.stop();
      await rm(state, { recursive: true, force: true });
    },
  };
}
