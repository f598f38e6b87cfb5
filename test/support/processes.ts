import { readdirSync, readFileSync } from 'node:fs';

/**
 * Environment variable that marks every process a test run starts: the global setup sets it once per run,
 * child processes inherit it, so what is left afterwards can be found without guessing by name.
 */
export const RUN_MARKER = 'GENRE_TEST_RUN';

/** Fields of /proc/<pid>/stat after the command name (which may contain spaces), or undefined once it is gone. */
function stat(pid: number): { state: string; ppid: number; pgrp: number } | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return { state: fields[0], ppid: Number(fields[1]), pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

const pids = () => readdirSync('/proc').map(Number).filter(Number.isInteger);

/** Kills the process groups led by children of this process: what it started with `detached: true`. */
function killDetachedChildren() {
  for (const pid of pids()) {
    const s = stat(pid);
    if (s?.ppid !== process.pid || s.pgrp !== pid) continue;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

let hooked = false;

/**
 * Makes what this test process starts detached (wrangler dev with its workerd, Chromium with its helpers,
 * scripts) die with it, for when afterAll never runs: Ctrl-C reaches the terminal's process group but not
 * a detached one, SIGTERM, or vitest's main process dying (the IPC channel closes). vitest turns
 * process.exit into an error inside tests, so an interrupted process ends by the signal's default action.
 */
export function detachedChildrenDieWithThisProcess(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', killDetachedChildren);
  const end = (signal: NodeJS.Signals) => {
    killDetachedChildren();
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => end(signal));
  process.once('disconnect', () => end('SIGTERM'));
}

export interface MarkedProcess {
  pid: number;
  command: string;
}

function descendsFrom(pid: number, ancestor: number): boolean {
  for (let p = pid; p > 1; ) {
    const parent = stat(p)?.ppid;
    if (parent === ancestor) return true;
    if (parent === undefined) return false;
    p = parent;
  }
  return false;
}

/**
 * Live processes whose environment holds `GENRE_TEST_RUN=<run>`, except `exceptUnder` and its descendants
 * (for vitest's own process: its workerd for the worker project is still up). Linux /proc only.
 */
export function processesOfRun(run: string, exceptUnder?: number): MarkedProcess[] {
  const marker = `${RUN_MARKER}=${run}`;
  const found: MarkedProcess[] = [];
  for (const pid of pids()) {
    if (pid === exceptUnder || pid === process.pid) continue;
    try {
      if (!readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(marker)) continue;
      if (stat(pid)?.state === 'Z' || (exceptUnder !== undefined && descendsFrom(pid, exceptUnder))) continue;
      found.push({ pid, command: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim() });
    } catch {
      // exited meanwhile, or not ours to read
    }
  }
  return found;
}

/** `processesOfRun` once every process the run stopped had time to exit (SIGTERM, then SIGKILL after 5 s). */
export async function leftoverProcesses(run: string, exceptUnder?: number, graceMs = 8_000): Promise<MarkedProcess[]> {
  const deadline = Date.now() + graceMs;
  for (;;) {
    const left = processesOfRun(run, exceptUnder);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 200));
  }
}
