import { parseArgs } from 'node:util';
import { ARTIFACTS_DIR, sharedPaths } from '../paths';

/** Bad flags or settings: the command prints the message and exits 2. */
export class UsageError extends Error {}

/** A whole-number flag in [min, max]; `fallback` when it is not given. */
export function integer(name: string, value: string | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return Number(value);
}

/** Whether an error is about the command line: ours, or node:util parseArgs's unknown or malformed flags. */
export const isUsageError = (err: unknown): boolean => err instanceof UsageError || String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');

/**
 * Run a command's `main`. A failure prints its message, not a stack trace that buries it (DEBUG=1 adds
 * the stack), and exits with 1 (2 for bad flags).
 */
export async function runCli(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (err) {
    const usage = isUsageError(err);
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    if (!usage || process.env.DEBUG) console.error(process.env.DEBUG ? err : '(set DEBUG=1 to see where it failed)');
    process.exitCode = usage ? 2 : 1;
  }
}

/** `--data DIR --artifacts DIR --out FILE.json`: the flags of the scripts that study the served models on their split. */
export const splitStudyFlags = () =>
  parseArgs({
    options: {
      data: { type: 'string', default: sharedPaths().dataset },
      artifacts: { type: 'string', default: ARTIFACTS_DIR },
      out: { type: 'string' },
    },
  }).values;
