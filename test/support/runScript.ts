import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../models/paths';
import { detachedChildrenDieWithThisProcess } from './processes';

const BIN = join(PROJECT_ROOT, 'node_modules', '.bin');

export interface ScriptRun {
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  /** Signal tsx, which relays it to the script (as a terminal's Ctrl-C or a supervisor's SIGTERM would). */
  signal: (s: NodeJS.Signals) => void;
  /** SIGKILL the whole process group: tsx runs the script in a child process, and both must die. */
  kill: () => void;
}

/** Run a TypeScript entry point the way `npm run` does (tsx on the project's Node 22), with only the given env. */
export function runScript(script: string, args: string[], env: Record<string, string>, cwd: string): ScriptRun {
  detachedChildrenDieWithThisProcess();
  const child = spawn(join(BIN, 'tsx'), [join(PROJECT_ROOT, script), ...args], {
    cwd,
    detached: true,
    env: { PATH: `${BIN}:${process.env.PATH}`, HOME: process.env.HOME ?? cwd, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
    signal: (s) => child.kill(s),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
    },
  };
}
