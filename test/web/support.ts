import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { getPlatformProxy } from 'wrangler';
import { siteObjects } from '../../models/examples';
import { PROJECT_ROOT } from '../../models/paths';

/** The part of the R2 binding used here (the node tsconfig has no workers types). */
interface LocalBucket {
  head(key: string): Promise<{ size: number; etag: string } | null>;
  put(key: string, value: Uint8Array, options?: { httpMetadata?: { contentType?: string } }): Promise<unknown>;
}

export const OUTPUT_DIR = join(PROJECT_ROOT, 'test-output', 'web');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * A private copy of the published wrangler state for the page tests, with the page's own R2 objects
 * (examples, evaluation report) added where the publish step did not upload them (or uploaded
 * other bytes), so these tests never write into the state other test files share.
 */
export async function pageState(published: string): Promise<{ dir: string; added: string[] }> {
  const dir = join(OUTPUT_DIR, 'wrangler-state');
  await rm(dir, { recursive: true, force: true });
  await mkdir(OUTPUT_DIR, { recursive: true });
  if (existsSync(published)) await cp(published, dir, { recursive: true });
  const added: string[] = [];
  const proxy = await getPlatformProxy<{ MODELS: LocalBucket }>({
    configPath: join(PROJECT_ROOT, 'wrangler.toml'),
    persist: { path: join(dir, 'v3') },
    remoteBindings: false,
  });
  try {
    for (const { key, path } of await siteObjects()) {
      const bytes = await readFile(path);
      const head = await proxy.env.MODELS.head(key);
      if (head && head.size === bytes.byteLength && head.etag === createHash('md5').update(bytes).digest('hex')) continue;
      await proxy.env.MODELS.put(key, bytes, key.endsWith('.jpg') ? { httpMetadata: { contentType: 'image/jpeg' } } : undefined);
      added.push(key);
    }
  } finally {
    await proxy.dispose();
  }
  return { dir, added };
}

/** Debian's Chromium, headless and quiet on a closed network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** The page's percent text for a probability (public/app.js `percent`). */
export const percent = (p: number) => `${(p * 100).toFixed(1)}%`;
