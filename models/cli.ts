import { pathToFileURL } from 'node:url';

/**
 * Run a command's `main` when its module is the entry point (not when a test imports it). A failure
 * prints its message, not a stack trace that buries it (DEBUG=1 adds the stack), and exits with 1.
 */
export async function runMain(moduleUrl: string, main: () => Promise<void>): Promise<void> {
  if (moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  try {
    await main();
  } catch (err) {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    console.error(process.env.DEBUG ? err : '(set DEBUG=1 to see where it failed)');
    process.exitCode = 1;
  }
}
