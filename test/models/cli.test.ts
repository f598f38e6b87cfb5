import { existsSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../models/paths';
import { runScript } from '../support/runScript';

// `npm run train` and `npm run evaluate` as processes: what a user sees when a flag or a folder is wrong.

let cwd: string;
const env: Record<string, string> = process.env.GENRE_SHARED_DIR ? { GENRE_SHARED_DIR: process.env.GENRE_SHARED_DIR } : {};

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'models-cli-'));
});
afterAll(() => rm(cwd, { recursive: true, force: true }));

describe('training and evaluation commands', () => {
  it.each([
    [['--epochs', '0'], 'error: --epochs must be a whole number from 1 to 1000, got "0"'],
    [['--seed', '4x'], 'error: --seed must be a whole number from 0 to 2147483647, got "4x"'],
    [['--bigram-buckets', 'x'], 'error: --bigram-buckets must be a whole number from 0 to 16777216, got "x"'],
    [['--secondary-genres', '2'], 'error: --secondary-genres must be a number from 0 to 1, got "2"'],
    [['--epoch', '3'], "error: Unknown option '--epoch'"],
  ])('train %j exits 2 with one line saying what is wrong, before any work', async (args, message) => {
    const run = runScript('models/train.ts', [...args, '--out', join(cwd, 'out')], env, cwd);
    expect(await run.exited).toBe(2);
    const lines = run.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0].startsWith(message)).toBe(true);
    expect(run.stdout()).toBe('');
    expect(existsSync(join(cwd, 'out'))).toBe(false);
  });

  it.each([
    ['', 'models/evaluate.ts'],
    [' (started through a symlinked path)', 'LINK/models/evaluate.ts'],
  ])('evaluate on a folder without manifest.csv exits 1 naming the file%s', async (_how, script) => {
    if (script.startsWith('LINK/')) {
      const link = join(cwd, 'project-link');
      if (!existsSync(link)) await symlink(PROJECT_ROOT, link);
      script = relative(PROJECT_ROOT, join(link, script.slice('LINK/'.length)));
    }
    const run = runScript(script, ['--data', join(cwd, 'nowhere')], env, cwd);
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toContain(`error: ENOENT: no such file or directory, open '${join(cwd, 'nowhere', 'manifest.csv')}'`);
    expect(run.stderr()).toContain('(set DEBUG=1 to see where it failed)');
  });
});
