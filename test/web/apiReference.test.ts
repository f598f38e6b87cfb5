import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PROJECT_ROOT } from '../../models/paths';
import { GENRES } from '../../src/shared/labels';
import { startTogether } from '../support/startTogether';
import { startWorker, type StartedWorker } from '../support/worker';
import { launchChromium, OUTPUT_DIR } from './support';

/**
 * The API's description as the Worker serves it (GET /openapi.json), linted by `redocly lint` with its
 * recommended rules, and the interactive reference on it (GET /docs) in Chromium.
 */

let worker: StartedWorker;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'openapi-'));
  [worker, browser] = await startTogether<[StartedWorker, Browser]>([startWorker({ persistTo: inject('wranglerState') }), launchChromium()]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
  await rm(dir, { recursive: true, force: true });
});

interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
}

describe('API reference', () => {
  it('serves an OpenAPI description that passes redocly lint with its recommended rules', async () => {
    const file = join(dir, 'openapi.json');
    await writeFile(file, await (await fetch(`${worker.url}/openapi.json`)).text());
    // Exit code 1 when it finds errors: the report on stdout is what counts.
    const lint = await promisify(execFile)(join(PROJECT_ROOT, 'node_modules', '.bin', 'redocly'), ['lint', '--extends=recommended', '--format=json', file], {
      cwd: dir,
      env: { ...process.env, PATH: `${join(PROJECT_ROOT, 'node_modules', '.bin')}:${process.env.PATH}`, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    }).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
    const report = JSON.parse(lint.stdout) as LintReport;
    expect(report.problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([]);
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
  });

  it('serves an interactive reference at /docs that loads nothing from outside the Worker and can call the API', async () => {
    const doc = (await (await fetch(`${worker.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.values(doc.paths).flatMap((methods) => Object.keys(methods));
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const foreign: string[] = [];
    const errors: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(`${worker.url}/`) || url.startsWith('data:')) return route.continue();
      foreign.push(url);
      return route.abort();
    });
    try {
      const page = await context.newPage();
      page.on('pageerror', (err) => errors.push(err.message));
      page.on('console', (msg) => msg.type() === 'error' && !msg.text().includes('favicon') && errors.push(msg.text()));
      const res = await page.goto(`${worker.url}/docs`);
      expect(res?.headers()['content-security-policy']).toContain("default-src 'self'");
      await expect.poll(() => page.locator('.opblock').count(), { timeout: 20_000 }).toBe(operations.length);
      expect(await page.title()).toBe('Movie genre classifier: API reference');

      // Try it out: GET /genres from the reference itself.
      const genres = page.locator('#operations-default-genres');
      await genres.locator('.opblock-summary').click();
      await genres.getByRole('button', { name: 'Try it out' }).click();
      await genres.getByRole('button', { name: 'Execute' }).click();
      const body = genres.locator('.responses-wrapper .live-responses-table .response-col_description pre').first();
      await expect.poll(() => body.textContent(), { timeout: 10_000 }).toContain('"genres"');
      expect(JSON.parse((await body.textContent()) ?? '')).toEqual({ genres: [...GENRES] });
      await page.screenshot({ path: join(OUTPUT_DIR, 'api-reference.png') });
    } finally {
      await context.close();
    }
    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
  });
});
