import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../models/paths';
import { freePort } from './ports';
import { detachedChildrenDieWithThisProcess } from './processes';

const wranglerEnv = (root: string) => ({
  ...process.env,
  PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH}`,
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_SEND_METRICS: 'false',
  NO_COLOR: '1',
});

/** Applies the D1 migrations (`migrations/`) to the database of a local state folder, as `npm run dev` does to its own. */
export async function applyMigrations(persistTo: string, root = PROJECT_ROOT): Promise<void> {
  await promisify(execFile)(join(root, 'node_modules', '.bin', 'wrangler'), ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo], {
    cwd: root,
    env: wranglerEnv(root),
  });
}

export interface StartedWorker {
  url: string;
  /** Everything wrangler printed, for assertions on logs and for failure messages. */
  output: () => string;
  /** The port of wrangler's DevTools proxy to the Worker's V8 inspector. */
  inspectorPort: number;
  stop: () => Promise<void>;
}

export interface StartWorkerOptions {
  /** Local R2 state with the models in it (see globalSetup); wrangler's default when omitted. */
  persistTo?: string;
  /** Extra `--var` bindings, e.g. DISCORD_API_BASE pointing at a fake. */
  vars?: Record<string, string>;
  /** Another entry module than wrangler.toml's `main` (the memory benchmark's). */
  script?: string;
  /** Extra environment for wrangler, e.g. MINIFLARE_WORKERD_V8_FLAGS. */
  env?: Record<string, string>;
  timeoutMs?: number;
}

/**
 * `wrangler dev` of this project on free ports, resolved once it answers. It asks GET /genres, not /health:
 * /health loads the models, and a benchmark's first request must find them unloaded.
 */
export async function startWorker(options: StartWorkerOptions = {}): Promise<StartedWorker> {
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const args = ['dev', ...(options.script ? [options.script] : []), '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspectorPort), '--show-interactive-dev-session=false', '--log-level', 'warn'];
  if (options.persistTo) args.push('--persist-to', options.persistTo);
  for (const [k, v] of Object.entries(options.vars ?? {})) args.push('--var', `${k}:${v}`);

  let log = '';
  detachedChildrenDieWithThisProcess();
  const child: ChildProcess = spawn(join(PROJECT_ROOT, 'node_modules', '.bin', 'wrangler'), args, {
    cwd: PROJECT_ROOT,
    detached: true,
    env: { ...wranglerEnv(PROJECT_ROOT), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => (log += d));
  child.stderr?.on('data', (d) => (log += d));
  const exited = new Promise<unknown>((resolve) => child.once('exit', resolve));
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // the whole group is gone
    }
  };

  // The group, not just wrangler: its workerd may outlive a wrangler that exited on its own.
  const stop = async () => {
    signalGroup('SIGTERM');
    const timer = setTimeout(() => signalGroup('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`wrangler dev exited with ${child.exitCode}:\n${log}`);
    }
    try {
      const res = await fetch(`${url}/genres`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return { url, output: () => log, inspectorPort, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`wrangler dev did not answer /genres within ${options.timeoutMs ?? 60_000} ms:\n${log}`);
}
