import { existsSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** Bad flags or settings: the CLI prints the message and exits 2. */
export class UsageError extends Error {}

/** A whole-number flag in [min, max]; `fallback` when it is not given. */
export function integer(name: string, value: string | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return Number(value);
}

/**
 * Run a command's `main` when its module is the entry point (not when a test imports it). A failure
 * prints its message, not a stack trace that buries it (DEBUG=1 adds the stack), and exits with 1
 * (2 for bad flags).
 */
export async function runMain(moduleUrl: string, main: () => Promise<void>): Promise<void> {
  // Node loads a script started through a symlink from its real path: compare real paths, or nothing runs.
  const entry = process.argv[1] && existsSync(process.argv[1]) ? realpathSync(process.argv[1]) : process.argv[1];
  if (!entry || moduleUrl !== pathToFileURL(entry).href) return;
  try {
    await main();
  } catch (err) {
    // node:util parseArgs reports unknown or malformed flags with these codes.
    const usage = err instanceof UsageError || String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    if (!usage || process.env.DEBUG) console.error(process.env.DEBUG ? err : '(set DEBUG=1 to see where it failed)');
    process.exitCode = usage ? 2 : 1;
  }
}
