import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { inject } from 'vitest';
import { PROJECT_ROOT } from '../../models/paths';
import { detachedChildrenDieWithThisProcess } from '../support/processes';

export const OUTPUT_DIR = join(PROJECT_ROOT, 'test-output', 'web');

/** Chromium as the global setup chose it, headless and quiet on a closed network. */
export function launchChromium(): Promise<Browser> {
  const binary = inject('chromium');
  // Playwright starts Chromium detached and would stop it on Ctrl-C, but vitest keeps it from exiting then.
  detachedChildrenDieWithThisProcess();
  return chromium.launch({
    executablePath: binary.executablePath,
    env: { ...process.env, ...binary.env },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** The page's percent text for a probability (public/js/dom.js `percent`). */
export const percent = (p: number) => `${(p * 100).toFixed(1)}%`;
