import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    [['--text-epochs', '0'], 'error: --text-epochs must be a whole number from 1 to 100, got "0"'],
    [['--seed', '4x'], 'error: --seed must be a whole number from 0 to 2147483647, got "4x"'],
    [['--char-ngrams', '2,x'], 'error: --char-ngrams must be a whole number from 1 to 10, got "x"'],
    [['--image-size', '200x128'], 'error: --image-size must be HEIGHTxWIDTH, multiples of 32, got "200x128"'],
    [['--epochs', '3'], "error: Unknown option '--epochs'"],
  ])('train %j exits 2 with one line saying what is wrong, before any work', async (args, message) => {
    const run = runScript('models/cli/train.ts', [...args, '--out', join(cwd, 'out')], env, cwd);
    expect(await run.exited).toBe(2);
    const lines = run.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0].startsWith(message)).toBe(true);
    expect(run.stdout()).toBe('');
    expect(existsSync(join(cwd, 'out'))).toBe(false);
  });

  it('train with an --extra folder without manifest.csv exits 2 naming the folder, before any work', async () => {
    const run = runScript('models/cli/train.ts', ['--extra', join(cwd, 'nowhere'), '--out', join(cwd, 'out')], env, cwd);
    expect(await run.exited).toBe(2);
    expect(run.stderr().trim()).toBe(`error: --extra ${join(cwd, 'nowhere')} has no manifest.csv`);
    expect(existsSync(join(cwd, 'out'))).toBe(false);
  });

  it('evaluate on a folder without manifest.csv exits 1 naming the file', async () => {
    const run = runScript('models/cli/evaluate.ts', ['--data', join(cwd, 'nowhere')], env, cwd);
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toContain(`error: ENOENT: no such file or directory, open '${join(cwd, 'nowhere', 'manifest.csv')}'`);
    expect(run.stderr()).toContain('(set DEBUG=1 to see where it failed)');
  });
});
