import { readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const TEMP_SUFFIX = '.partial';

/**
 * Write to a temporary sibling and rename it over the target: rename is atomic within a folder, so
 * an interrupted run leaves either the old file or the new one, never half of one.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}${TEMP_SUFFIX}`);
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/** Temporary files a killed run left behind in `dir` (never the finished files). */
export async function removeStaleTempFiles(dir: string): Promise<void> {
  const names = await readdir(dir);
  await Promise.all(names.filter((n) => n.startsWith('.') && n.endsWith(TEMP_SUFFIX)).map((n) => rm(join(dir, n), { force: true })));
}
