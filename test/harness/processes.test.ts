import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../models/paths';
import { leftoverProcesses, processesOfRun, RUN_MARKER } from '../support/processes';
import { startTogether } from '../support/startTogether';

// No test run may leave a process behind: not when a beforeAll fails half-way, not on Ctrl-C or a kill.
// Each case runs the real browser test (wrangler dev + Chromium) in a vitest of its own, marked with a
// run id of its own, and then looks for any process still carrying that mark.

describe('startTogether', () => {
  it('stops the services that started when another fails, after they finish starting', async () => {
    const stopped: string[] = [];
    const service = (name: string, ms: number) =>
      new Promise<{ stop(): Promise<void> }>((resolve) => setTimeout(() => resolve({ stop: async () => void stopped.push(name) }), ms));
    const failing = Promise.reject(new Error('no browser'));
    await expect(startTogether([service('slow worker', 200), failing, service('server', 0)])).rejects.toThrow('no browser');
    expect(stopped.sort()).toEqual(['server', 'slow worker']);
  });

  it('resolves to every service in order when all start', async () => {
    const a = { close: async () => {} };
    const b = { stop: async () => {} };
    expect(await startTogether([Promise.resolve(a), Promise.resolve(b)])).toEqual([a, b]);
  });
});

interface ChildRun {
  run: string;
  pid: number;
  output: () => string;
  exited: Promise<number | null>;
}

/** `vitest run` of the browser test as its own process group (as a terminal's foreground job is). */
function runPageTest(env: Record<string, string> = {}): ChildRun {
  const run = randomUUID();
  const child = spawn(join(PROJECT_ROOT, 'node_modules', '.bin', 'vitest'), ['run', '--project', 'node', '--reporter', 'dot', 'test/web/page.test.ts'], {
    cwd: PROJECT_ROOT,
    detached: true,
    env: { ...process.env, ...env, [RUN_MARKER]: run, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { run, pid: child.pid!, output: () => output, exited };
}

/** Waits until the child run has both `wrangler dev` (its workerd) and Chromium running. */
async function servicesStarted(child: ChildRun): Promise<void> {
  const deadline = Date.now() + 90_000;
  const running = (name: string) => processesOfRun(child.run).some((p) => p.command.includes(name));
  while (!running('workerd') || !running('chromium')) {
    if (Date.now() > deadline) throw new Error(`the Worker and Chromium did not start:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('a test run leaves no process behind', () => {
  it('when the browser cannot start while the Worker is starting (a beforeAll failing half-way)', async () => {
    const child = runPageTest({ CHROMIUM_PATH: '/nonexistent/chromium' });
    expect(await child.exited).not.toBe(0);
    expect(child.output()).toContain('/nonexistent/chromium');
    // The run's own end-of-run check found nothing to kill either.
    expect(child.output()).not.toContain('the tests left');
    expect(await leftoverProcesses(child.run)).toEqual([]);
  }, 150_000);

  it.each([
    ['Ctrl-C in a terminal (SIGINT to the whole foreground group)', (pid: number) => process.kill(-pid, 'SIGINT')],
    ['SIGTERM to vitest alone (a supervisor or CI timeout)', (pid: number) => process.kill(pid, 'SIGTERM')],
  ])('after %s', async (_name, interrupt) => {
    const child = runPageTest();
    await servicesStarted(child);
    interrupt(child.pid);
    await child.exited;
    expect(await leftoverProcesses(child.run, undefined, 15_000)).toEqual([]);
  }, 150_000);
});
