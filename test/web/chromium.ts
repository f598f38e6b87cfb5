import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../models/paths';

// Which Chromium the browser tests drive; chosen once per run by the global setup.

export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** An executable and the environment it needs. */
export interface ChromiumBinary {
  executablePath: string;
  env: Record<string, string>;
}

/** The Chromium to test with: CHROMIUM_PATH, else Debian's; undefined: the one from the npm registry. */
export function chosenChromium(env: NodeJS.ProcessEnv = process.env, exists: (path: string) => boolean = existsSync): string | undefined {
  if (env.CHROMIUM_PATH) return env.CHROMIUM_PATH;
  return exists(SYSTEM_CHROMIUM) ? SYSTEM_CHROMIUM : undefined;
}

const SPARTICUZ = join(PROJECT_ROOT, 'node_modules', '@sparticuz', 'chromium');

/**
 * The Chromium that @sparticuz/chromium ships, unpacked once into node_modules/.cache, with its copies of
 * NSS and expat (packed for Amazon Linux) on the library path, so that it needs no system package.
 */
export async function unpackedChromium(): Promise<ChromiumBinary> {
  const { version } = JSON.parse(readFileSync(join(SPARTICUZ, 'package.json'), 'utf8')) as { version: string };
  const dir = join(PROJECT_ROOT, 'node_modules', '.cache', `sparticuz-chromium-${version}`);
  if (!existsSync(dir)) {
    // The package unpacks into os.tmpdir(), and takes whatever it finds there as already unpacked: give it
    // an empty folder of its own and rename that when complete, so an interrupted unpack is never used.
    const partial = `${dir}.partial-${process.pid}`;
    await rm(partial, { recursive: true, force: true });
    await mkdir(partial, { recursive: true });
    const script = `import chromium, { inflate } from '@sparticuz/chromium';
      await chromium.executablePath();
      await inflate(${JSON.stringify(join(SPARTICUZ, 'bin', 'al2023.tar.br'))});`;
    await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: PROJECT_ROOT, env: { ...process.env, TMPDIR: partial } });
    // Its fonts.conf names the fonts folder of AWS Lambda: with no font found, a text field crashes Chromium.
    const fontsConf = `<?xml version="1.0"?>\n<fontconfig>\n  <dir>${join(dir, 'fonts', 'fonts')}</dir>\n  <cachedir>${join(dir, 'fonts-cache')}</cachedir>\n</fontconfig>\n`;
    await writeFile(join(partial, 'fonts', 'fonts.conf'), fontsConf);
    await rename(partial, dir);
  }
  return { executablePath: join(dir, 'chromium'), env: { LD_LIBRARY_PATH: join(dir, 'al2023', 'lib'), FONTCONFIG_PATH: join(dir, 'fonts') } };
}
