import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../models/paths';
import { freePort } from './ports';
import { detachedChildrenDieWithThisProcess } from './processes';

export interface StartedWorker {
  url: string;
  /** Everything wrangler printed, for assertions on logs and for failure messages. */
  output: () => string;
  stop: () => Promise<void>;
}

export interface StartWorkerOptions {
  /** Local R2 state with the models in it (see globalSetup); wrangler's default when omitted. */
  persistTo?: string;
  /** Extra `--var` bindings, e.g. DISCORD_API_BASE pointing at a fake. */
  vars?: Record<string, string>;
  timeoutMs?: number;
}

/**
 * `wrangler dev` of this project on free ports, resolved once it answers. It asks GET /genres, not /health:
 * /health loads the models, and a benchmark's first request must find them unloaded.
 */
export async function startWorker(options: StartWorkerOptions = {}): Promise<StartedWorker> {
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const args = ['dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspectorPort), '--show-interactive-dev-session=false', '--log-level', 'warn'];
  if (options.persistTo) args.push('--persist-to', options.persistTo);
  for (const [k, v] of Object.entries(options.vars ?? {})) args.push('--var', `${k}:${v}`);

  let log = '';
  detachedChildrenDieWithThisProcess();
  const child: ChildProcess = spawn(join(PROJECT_ROOT, 'node_modules', '.bin', 'wrangler'), args, {
    cwd: PROJECT_ROOT,
    detached: true,
    env: {
      ...process.env,
      PATH: `${join(PROJECT_ROOT, 'node_modules', '.bin')}:${process.env.PATH}`,
      CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      WRANGLER_SEND_METRICS: 'false',
      NO_COLOR: '1',
    },
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
      if (res.ok) return { url, output: () => log, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`wrangler dev did not answer /genres within ${options.timeoutMs ?? 60_000} ms:\n${log}`);
}
