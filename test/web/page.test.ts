import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadDataset } from '../../models/data/dataset';
import { exportFeedback, FEEDBACK_ID_OFFSET } from '../../models/feedback/exportFeedback';
import { sharedPaths } from '../../models/paths';
import type { ErrorBody, Prediction } from '../../src/shared/apiSchemas';
import type { StoredExample } from '../../src/shared/examples';
import { GENRES } from '../../src/shared/labels';
import { LIMITS } from '../../src/shared/limits';
import { errorText } from '../../public/js/errorText.js';
import { gradient, toJpeg, toPng } from '../support/imageFixtures';
import { othersPlot } from '../support/othersPlot';
import { startTogether } from '../support/startTogether';
import { startWorker, type StartedWorker } from '../support/worker';
import { launchChromium, OUTPUT_DIR, percent } from './support';

/**
 * The page at GET / of the real Worker (`wrangler dev` with the published models), driven in
 * Chromium (test/web/chromium.ts): what it shows must be exactly what POST /predict answers for the same input.
 */

/** An entry of GET /examples: the stored example with its poster's URL instead of its R2 key. */
type Example = Omit<StoredExample, 'posterKey'> & { posterUrl: string };

const PLOT = 'A retired hitman is pulled back into the criminal underworld for one last job, and a bloody war between rival gangs follows him home.';
/** A dataset poster (Lock, Stock and Two Smoking Barrels), read from ../shared, never copied. */
const POSTER = join(sharedPaths().dataset, 'posters', '100.jpg');

/** The phone of the issue: 390 × 844 CSS pixels, a touch screen. */
const PHONE = { width: 390, height: 844 };
const TOUCH = { hasTouch: true, isMobile: true };

/** A photo over the page's 1-megapixel upload limit, so the page scales it before sending. */
const PHOTO = { name: 'photo.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(toJpeg(gradient(1600, 1200), 1600, 1200)) };

let worker: StartedWorker;
let browser: Browser;
const contexts: BrowserContext[] = [];
/** Requests the page tried to send anywhere but the Worker (there must be none: no CDN). */
const foreignRequests: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  // The shared state holds everything `npm run models:publish` uploads, examples and report included.
  [worker, browser] = await startTogether<[StartedWorker, Browser]>([startWorker({ persistTo: inject('wranglerState') }), launchChromium()]);
}, 120_000);

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close().catch(() => {})));
  await browser?.close();
  await worker?.stop();
});

async function openPage(viewport = { width: 1280, height: 900 }, device: { hasTouch?: boolean; isMobile?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport, ...device });
  contexts.push(context);
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${worker.url}/`) || url.startsWith('blob:') || url.startsWith('data:')) return route.continue();
    foreignRequests.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(`${worker.url}/`);
  await page.locator('html[data-ready="true"]').waitFor();
  return page;
}

async function postPredict(plot: string | undefined, poster: { bytes: Uint8Array; name: string } | undefined) {
  const form = new FormData();
  if (plot !== undefined) form.append('plot', plot);
  if (poster) form.append('poster', new Blob([poster.bytes as BlobPart]), poster.name);
  const res = await fetch(`${worker.url}/predict`, { method: 'POST', body: form });
  return { status: res.status, json: (await res.json()) as Prediction & Partial<ErrorBody> };
}

/** The result as the page shows it. */
async function shownResult(page: Page) {
  await page.locator('#result:not([hidden])').waitFor();
  await page.locator('#classify:not([aria-disabled="true"])').waitFor();
  const bars = await page.locator('#bars > li').evaluateAll((items) =>
    items.map((li) => ({
      genre: li.querySelector('.bar-genre')?.textContent,
      value: li.querySelector('.bar-value')?.textContent,
      top: li.classList.contains('top'),
      width: (li.querySelector('.bar-fill') as HTMLElement | null)?.style.width,
    })),
  );
  return {
    bars,
    topGenre: await page.locator('#top-genre').textContent(),
    topProbability: await page.locator('#top-probability').textContent(),
    warnings: await page.locator('#warnings:not([hidden]) li').evaluateAll((items) => items.map((li) => ({ code: (li as HTMLElement).dataset.code, message: li.textContent }))),
    // Timings and the model version are in the collapsed details.
    detailsOpen: await page.locator('#answer-details').evaluate((d) => (d as HTMLDetailsElement).open),
    modelVersion: await page.locator('#model-version').textContent(),
    latency: await page.locator('#latency').textContent(),
    tmdb: await page.locator('#tmdb-genres > li').evaluateAll((items) => items.map((li) => (li as HTMLElement).innerText.replace(/\s+/g, ' ').trim())),
    tagContrast: (await page.locator('#tmdb-contrast').isVisible()) ? await page.locator('#tmdb-contrast').textContent() : null,
    evidenceShown: await page.locator('#evidence').isVisible(),
    evidenceList: await page
      .locator('#evidence-list > li')
      .evaluateAll((items) => items.map((li) => ({ phrase: li.querySelector('q')?.textContent, weight: li.querySelector('.evidence-weight')?.textContent }))),
  };
}

/** The 13 TMDB genres that Others merges, most likely first, as the answer ranks them. */
const othersByProbability = (api: Prediction) => api.tmdbGenres.map((g) => g.genre).filter((g) => !(GENRES as readonly string[]).includes(g));

function expectShownMatches(shown: Awaited<ReturnType<typeof shownResult>>, api: Prediction) {
  expect(shown.bars.map((b) => b.genre)).toEqual(api.genres.map((g) => g.genre));
  expect(shown.bars.map((b) => b.value)).toEqual(api.genres.map((g) => percent(g.probability)));
  expect(shown.bars.map((b) => b.top)).toEqual(api.genres.map((_, i) => i === 0));
  expect(shown.topGenre).toBe(api.top.genre);
  expect(shown.topProbability).toBe(percent(api.top.probability));
  expect(shown.warnings).toEqual(api.warnings);
  expect(shown.detailsOpen).toBe(false);
  expect(shown.modelVersion).toBe(api.modelVersion);
  expect(shown.latency).toMatch(/^\d+ ms$/);
  // Five TMDB genres, most likely first; the evidence legend, strongest first, only with a plot.
  expect(shown.tmdb).toEqual(api.tmdbGenres.slice(0, 5).map((g) => `${g.genre} ${percent(g.probability)}`));
  // A likeliest tag that is one of the seven but not the main genre is explained, not left to look like a contradiction.
  const firstTag = api.tmdbGenres[0].genre;
  const contrasting = firstTag !== api.top.genre && (GENRES as readonly string[]).includes(firstTag);
  expect(shown.tagContrast).toBe(contrasting ? `${firstTag} is the likeliest tag but not the main genre: each tag is judged on its own, while the main genre is the one of the seven that fits best against the other six.` : null);
  expect(shown.evidenceShown).toBe(Boolean(api.evidence?.plot.length));
  expect(shown.evidenceList).toEqual((api.evidence?.plot ?? []).map((e) => ({ phrase: e.text, weight: `weight ${e.weight.toFixed(2)}` })));
}

/** The highlighted copy of the plot: its marks, and its text as a reader sees it without the rank numbers. */
async function plotCopy(page: Page) {
  const copy = page.locator('#plot-evidence');
  return {
    marks: await copy.locator('mark').evaluateAll((marks) =>
      marks.map((m) => ({
        text: m.querySelector('.evidence-text')?.textContent ?? '',
        rank: Number((m as HTMLElement).dataset.rank),
        visibleRank: m.querySelector('sup')?.textContent,
        spoken: m.querySelector('.visually-hidden')?.textContent,
        title: m.getAttribute('title'),
      })),
    ),
    text: await copy.evaluate((node) => {
      const clone = node.cloneNode(true) as HTMLElement;
      clone.querySelectorAll('sup, .visually-hidden').forEach((extra) => extra.remove());
      return clone.textContent;
    }),
  };
}

/** Bars are drawn on the next animation frame: wait until every width is set. */
async function barWidths(page: Page): Promise<string[]> {
  await page.waitForFunction(() => Array.from(document.querySelectorAll<HTMLElement>('#bars .bar-fill')).every((f) => f.style.width !== ''));
  return page.locator('#bars .bar-fill').evaluateAll((fills) => fills.map((f) => (f as HTMLElement).style.width));
}

/** The page once its example buttons are in, and the examples GET /examples lists. */
async function openWithExamples(): Promise<{ page: Page; examples: Example[] }> {
  const { examples } = (await (await fetch(`${worker.url}/examples`)).json()) as { examples: Example[] };
  const page = await openPage();
  // GET /examples may be slow while the Worker is cold (the first test of a run).
  await expect.poll(() => page.locator('button.example').count(), { timeout: 10_000 }).toBe(examples.length);
  return { page, examples };
}

const classifyButton = (page: Page) => page.locator('#classify');
const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);

/** Whether the element is wholly inside the viewport (once any smooth scrolling has settled). */
const inViewport = (page: Page, selector: string) =>
  page.locator(selector).evaluate((node) => {
    const box = node.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight && box.height > 0;
  });

/** The answer, or the error, is where the reader is: in view and focused. */
async function expectRevealed(page: Page, selector: '#answer' | '#error') {
  // The page starts a smooth scroll, then moves focus: wait until the target is in view and the page stays put
  // for two frames, and check that it is still in view there.
  await expect.poll(() => focusedId(page)).toBe(selector.slice(1));
  await expect.poll(() => inViewport(page, selector)).toBe(true);
  await page.waitForFunction(() => {
    const y = window.scrollY;
    return new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(window.scrollY === y))));
  });
  expect(await inViewport(page, selector)).toBe(true);
}

/** A fact of the answer's details ("Based on", "Time", ...). */
const fact = (page: Page, term: string) => page.locator('#answer-facts dt', { hasText: term }).locator('xpath=following-sibling::dd[1]').textContent();

/** The error as the page shows it: its own words, and the API's under "Technical details". */
async function shownError(page: Page) {
  const box = page.locator('#error');
  await box.waitFor();
  return {
    title: await box.locator('.error-title').textContent(),
    advice: await box.locator('.error-advice').textContent(),
    detailsOpen: await box.locator('.error-details').evaluate((d) => (d as HTMLDetailsElement).open),
    technical: await box.locator('.error-code').textContent(),
    message: await box.locator('.error-message').textContent(),
  };
}

/**
 * Holds the page's scaling of big posters (OffscreenCanvas.convertToBlob) until release(): a phone photo
 * as slow as the test needs. release() resolves once the scaling finished and the page's code after it ran.
 */
async function holdScaling(page: Page): Promise<() => Promise<void>> {
  await page.evaluate(() => {
    const hook = window as unknown as { releaseScaling: () => void; scaled: number };
    const held = new Promise<void>((resolve) => (hook.releaseScaling = resolve));
    const convert = OffscreenCanvas.prototype.convertToBlob;
    hook.scaled = 0;
    OffscreenCanvas.prototype.convertToBlob = async function (...args) {
      await held;
      const blob = await convert.apply(this, args);
      hook.scaled++;
      return blob;
    };
  });
  return async () => {
    await page.evaluate(() => (window as unknown as { releaseScaling: () => void }).releaseScaling());
    // Checked in a later task: the page's continuation (microtasks) has run by then.
    await page.waitForFunction(() => (window as unknown as { scaled: number }).scaled > 0);
  };
}

/**
 * Holds the page's download of an example's poster (not the thumbnail) until release(), which resolves
 * once the example button is no longer busy: its load gave up, or went on and classified.
 */
async function holdExamplePoster(page: Page, example: Example): Promise<() => Promise<void>> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(`${worker.url}${example.posterUrl}`, async (route) => {
    if (route.request().resourceType() !== 'fetch') return route.fallback();
    await held;
    await route.continue().catch(() => {}); // the page may have abandoned the request
  });
  return async () => {
    release();
    await page.locator(`button[data-example-id="${example.id}"]:not([aria-busy])`).waitFor();
  };
}

describe('web page', () => {
  it('serves the page as static assets while the API and the JSON 404 keep working', async () => {
    const html = await fetch(`${worker.url}/`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(html.headers.get('content-security-policy')).toContain("default-src 'self'");
    const body = await html.text();
    expect(body).not.toMatch(/(src|href)="(https?:)?\/\//);
    // The header links the interactive API reference, not the raw JSON.
    expect(body).toContain('<a href="/docs" id="api-link">API reference</a>');

    // A POST meant for /predict sent to the page's address gets a JSON answer that says so.
    const posted = await fetch(`${worker.url}/`, { method: 'POST', body: new URLSearchParams({ plot: 'A ghost haunts a family.' }) });
    expect(posted.status).toBe(405);
    expect(posted.headers.get('allow')).toBe('GET, HEAD');
    expect(await posted.json()).toEqual({ error: { code: 'method_not_allowed', message: 'POST / is not supported: it accepts GET, HEAD; / is the web page: send plots and posters to POST /predict' } });
    expect((await fetch(`${worker.url}/`, { method: 'HEAD' })).status).toBe(200);

    const missing = await fetch(`${worker.url}/no-such-page`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 'not_found', message: 'no route for GET /no-such-page' } });

    const badPoster = await fetch(`${worker.url}/examples/not-a-poster.jpg`);
    expect(badPoster.status).toBe(404);
    expect(((await badPoster.json()) as { error: { code: string } }).error.code).toBe('not_found');

    const health = await fetch(`${worker.url}/health`);
    expect(((await health.json()) as { status: string }).status).toBe('ok');
    const openapi = (await (await fetch(`${worker.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/predict', '/examples', '/examples/{file}', '/model']));
  });

  it('classifies a plot and a poster and shows exactly what POST /predict answers', async () => {
    const page = await openPage();
    await page.getByLabel('Plot', { exact: true }).fill(PLOT);
    await page.setInputFiles('#poster', POSTER);
    await expect.poll(() => page.locator('#poster-preview').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);

    const pageResponse = page.waitForResponse((r) => r.url() === `${worker.url}/predict`);
    await page.getByRole('button', { name: 'Classify', exact: true }).click();
    const fromPage = (await (await pageResponse).json()) as Prediction;
    const shown = await shownResult(page);

    const direct = await postPredict(PLOT, { bytes: await readFile(POSTER), name: '100.jpg' });
    expect(direct.status).toBe(200);
    expect(direct.json.modalities).toEqual(['plot', 'poster']);
    expect(fromPage.genres.map((g) => g.genre)).toEqual(direct.json.genres.map((g) => g.genre));
    fromPage.genres.forEach((g, i) => expect(g.probability).toBeCloseTo(direct.json.genres[i].probability, 6));
    expectShownMatches(shown, direct.json);
    // Compared as numbers: the browser serialises "83.60%" as "83.6%".
    expect((await barWidths(page)).map(parseFloat)).toEqual(direct.json.genres.map((g) => Number((g.probability * 100).toFixed(2))));
    await expectRevealed(page, '#answer');
    // What a screen reader reads on the focused answer.
    expect((await page.locator('#answer').textContent())?.replace(/\s+/g, ' ')).toContain(`Main genre ${direct.json.top.genre} ${percent(direct.json.top.probability)}`);
    expect(await fact(page, 'Based on')).toBe('the plot and the poster');
    await page.locator('#answer-details summary').click();
    expect(await fact(page, 'Time')).toMatch(/^\d+ ms from Classify to answer; the server (took \d+ ms|read it from its answer cache)/);

    await page.screenshot({ path: join(OUTPUT_DIR, 'page-desktop.png'), fullPage: true });
  });

  it('classifies a plot alone and a poster (dropped on the drop zone) alone', async () => {
    const page = await openPage();
    await page.locator('#plot').fill(PLOT);
    await page.getByRole('button', { name: 'Classify', exact: true }).click();
    const plotOnly = await postPredict(PLOT, undefined);
    expectShownMatches(await shownResult(page), plotOnly.json);
    expect(await fact(page, 'Based on')).toBe('the plot');
    expect(await fact(page, 'Plot')).toBe(`${plotOnly.json.plotWords!.total} words, all read`);
    expect(await page.locator('#plot-words').isHidden()).toBe(true);

    await page.getByRole('button', { name: 'Clear' }).click();
    expect(await page.locator('#plot').inputValue()).toBe('');
    expect(await page.locator('#result').isHidden()).toBe(true);
    const dataTransfer = await page.evaluateHandle((base64) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], 'dropped.jpg', { type: 'image/jpeg' }));
      return transfer;
    }, (await readFile(POSTER)).toString('base64'));
    await page.dispatchEvent('#drop-zone', 'drop', { dataTransfer });
    expect(await page.locator('#poster-name').textContent()).toContain('dropped.jpg');
    await page.getByRole('button', { name: 'Classify', exact: true }).click();
    const posterOnly = await postPredict(undefined, { bytes: await readFile(POSTER), name: '100.jpg' });
    expectShownMatches(await shownResult(page), posterOnly.json);
    expect(await fact(page, 'Based on')).toBe('the poster');
  });

  it('scales a poster over the API pixel limit down before uploading it', async () => {
    const [width, height] = [2400, 3600]; // 8.6 MP: the API alone refuses it
    const big = toPng(gradient(width, height), width, height);
    const direct = await postPredict(undefined, { bytes: big, name: 'big.png' });
    expect(direct.status).toBe(413);
    expect(direct.json.error!.code).toBe('image_too_large');

    const page = await openPage();
    await page.setInputFiles('#poster', { name: 'big.png', mimeType: 'image/png', buffer: Buffer.from(big) });
    await page.getByRole('button', { name: 'Classify', exact: true }).click();
    await shownResult(page);
    expect(await fact(page, 'Based on')).toBe('the poster');
    expect(await page.locator('#poster-name').textContent()).toMatch(/^big\.png \(.+\), sent scaled to 816×1224$/);
  });

  it("explains a rejected poster in plain words, with the API's code and message only under Technical details", async () => {
    const page = await openPage();
    const notImage = new TextEncoder().encode('this is a text file, not a poster\n'.repeat(20));
    await page.locator('#plot').fill(PLOT);
    await page.setInputFiles('#poster', { name: 'poster.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(notImage) });
    await expect.poll(() => page.locator('#drop-text').textContent()).toContain('No preview');
    await page.getByRole('button', { name: 'Classify', exact: true }).click();
    const direct = await postPredict(PLOT, { bytes: notImage, name: 'poster.jpg' });
    expect(direct.status).toBe(400);
    const { code, message } = direct.json.error!;
    const shown = await shownError(page);
    expect({ title: shown.title, advice: shown.advice }).toEqual(errorText({ status: 400, code }));
    expect(shown.title).not.toContain(code);
    expect(shown.detailsOpen).toBe(false);
    expect(shown.technical).toBe(`HTTP 400 · ${code}`);
    expect(shown.message).toBe(message);
    await expectRevealed(page, '#error');
    expect(await page.locator('#result').isHidden()).toBe(true);
    await page.screenshot({ path: join(OUTPUT_DIR, 'page-error.png') });

    await page.getByRole('button', { name: 'Remove poster' }).click();
    // The empty drop zone (the file input's accessible name) no longer speaks of the removed file.
    expect(await page.locator('#drop-text').innerText()).toMatch(/^Choose a poster\s+or drop \/ paste an image here$/);
  });

  it('blocks an over-long plot before sending it, and classifies its first 5,000 characters on request (on a phone)', async () => {
    const page = await openPage(PHONE, TOUCH);
    const predicts: string[] = [];
    page.on('request', (r) => r.url() === `${worker.url}/predict` && predicts.push(r.method()));
    const longPlot = `${'A haunted house swallows the family whole. '.repeat(125)}The end.`;
    const chars = longPlot.length; // ASCII: characters are code units
    const over = chars - LIMITS.plotMaxChars;
    expect(over).toBeGreaterThan(0);
    await page.locator('#plot').fill(longPlot);
    expect(await page.locator('#plot-count').textContent()).toBe(`${chars.toLocaleString('en')} / 5,000 (${over} over)`);
    expect(await page.locator('#plot').getAttribute('aria-invalid')).toBe('true');
    await page.getByRole('button', { name: 'Classify', exact: true }).click();

    await page.locator('#error').waitFor();
    expect(await page.locator('#error .error-title').textContent()).toBe('The plot is too long');
    expect(await page.locator('#error .error-details').count()).toBe(0); // nothing was sent: no API error to detail
    expect(await page.locator('#error .error-advice').textContent()).toBe(
      `It has ${chars.toLocaleString('en')} characters, and the classifier reads up to 5,000. Shorten it, or classify its first 5,000 characters.`,
    );
    await expectRevealed(page, '#error');
    expect(predicts).toEqual([]);

    // Its start, cut back to a whole word, is classified at once.
    await page.getByRole('button', { name: 'Use the first 5,000 characters' }).click();
    const kept = await page.locator('#plot').inputValue();
    expect(longPlot.startsWith(kept)).toBe(true);
    expect(kept.length).toBeLessThanOrEqual(LIMITS.plotMaxChars);
    expect(kept.length).toBeGreaterThan(LIMITS.plotMaxChars - 20);
    // The cut fell inside "house": back to the end of the word before it.
    expect(kept).toMatch(/ haunted$/);
    const answer = await shownResult(page);
    expectShownMatches(answer, (await postPredict(kept, undefined)).json);
    await expectRevealed(page, '#answer');
    expect(predicts).toEqual(['POST']);
    expect(await page.locator('#plot').getAttribute('aria-invalid')).toBeNull();
  });

  it('fills the form from an example with one click and classifies it', async () => {
    const { page, examples } = await openWithExamples();
    expect(examples.length).toBeGreaterThanOrEqual(5);
    const example = examples[0];
    await page.locator(`button[data-example-id="${example.id}"]`).click();
    const shown = await shownResult(page);

    expect(await page.locator('#plot').inputValue()).toBe(example.plot);
    expect(await page.locator('#poster-preview').getAttribute('src')).toMatch(/^blob:/);
    expect(await page.locator('#poster-name').textContent()).toContain(`${example.id}.jpg`);
    const poster = new Uint8Array(await (await fetch(`${worker.url}${example.posterUrl}`)).arrayBuffer());
    const direct = await postPredict(example.plot, { bytes: poster, name: `${example.id}.jpg` });
    expectShownMatches(shown, direct.json);
    const agrees = example.genre === direct.json.top.genre ? 'agrees' : 'disagrees';
    expect(await page.locator('#truth').textContent()).toBe(`The dataset files “${example.title}” under ${example.genre}: the model ${agrees}.`);
  });

  it('names the TMDB genres Others most likely stands for, lists the top TMDB genres and highlights the evidence in the plot', async () => {
    const { plot } = await othersPlot(worker.url);
    const page = await openPage();
    await page.locator('#plot').fill(plot);
    await page.getByRole('button', { name: 'Classify', exact: true }).click();
    const shown = await shownResult(page);
    const direct = await postPredict(plot, undefined);
    expect(direct.json.top.genre).toBe('Others');
    expectShownMatches(shown, direct.json);

    const named = othersByProbability(direct.json).slice(0, 3);
    expect((await page.locator('#top-line').innerText()).replace(/\s+/g, ' ')).toContain(`Others ${percent(direct.json.top.probability)} — most likely ${named.join(', ')}`);
    const info = (await (await fetch(`${worker.url}/model`)).json()) as { report: { othersTop3: { text: { movies: number; hitRate: number } } } };
    expect(await page.locator('#others-hint').textContent()).toBe(
      `Others stands for 13 TMDB genres. On the test split's ${info.report.othersTop3.text.movies.toLocaleString('en')} Others movies, the three most likely of them held one of the movie's own genres ${percent(info.report.othersTop3.text.hitRate)} of the time (plot only model).`,
    );
    expect(await page.locator('#tmdb-note').textContent()).toContain('judged on its own');
    expect(await page.locator('#genres-note').textContent()).toContain('Together they make 100%');
    await expectRevealed(page, '#answer');

    const evidence = direct.json.evidence!.plot;
    expect(await page.locator('#evidence-heading').textContent()).toBe('What in the plot points to Others');
    const copy = await plotCopy(page);
    expect(copy.text).toBe(plot);
    expect(copy.marks.length).toBeGreaterThan(0);
    for (const mark of copy.marks) {
      expect(plot).toContain(mark.text);
      const phrase = evidence[mark.rank - 1];
      expect(mark.text.toLowerCase()).toBe(phrase.text.toLowerCase());
      expect(mark.visibleRank).toBe(String(mark.rank));
      expect(mark.spoken).toBe(` (evidence ${mark.rank}, weight ${phrase.weight.toFixed(2)})`);
      expect(mark.title).toBe(`Evidence ${mark.rank} for Others: weight ${phrase.weight.toFixed(2)}`);
    }
    // The strongest phrase is marked where the plot has it.
    expect(copy.marks.map((m) => m.rank)).toContain(1);
    await page.screenshot({ path: join(OUTPUT_DIR, 'page-others.png'), fullPage: true });
  });

  it("shows the answer's warnings in the API's own words, as part of the focused answer", async () => {
    const plot = 'A ghost.';
    const direct = await postPredict(plot, undefined);
    expect(direct.json.warnings.map((w) => w.code)).toContain('plot_too_short');
    const page = await openPage();
    await page.locator('#plot').fill(plot);
    await page.getByRole('button', { name: 'Classify', exact: true }).click();
    expectShownMatches(await shownResult(page), direct.json);
    await expectRevealed(page, '#answer');
    expect(await page.locator('#answer #warnings').innerText()).toContain(direct.json.warnings[0].message);
  });

  it('highlights every occurrence of a phrase whatever its case, and shows markup in a plot as text', async () => {
    const plot = 'The GHOST of a murdered girl haunts the old house. Every night the ghost walks the halls <img src=x onerror="document.title=\'pwned\'">.';
    const direct = await postPredict(plot, undefined);
    const ghost = direct.json.evidence!.plot.findIndex((e) => e.text === 'GHOST');
    expect(ghost, 'the model names the ghost as evidence').toBeGreaterThanOrEqual(0);
    const page = await openPage();
    await page.locator('#plot').fill(plot);
    await page.getByRole('button', { name: 'Classify', exact: true }).click();
    expectShownMatches(await shownResult(page), direct.json);
    const copy = await plotCopy(page);
    expect(copy.text).toBe(plot);
    expect(copy.marks.filter((m) => m.rank === ghost + 1).map((m) => m.text)).toEqual(['GHOST', 'ghost']);
    // Only whole words are marked, and the markup stayed text.
    for (const mark of copy.marks) expect(plot).toMatch(new RegExp(`(?<![\\p{L}\\p{N}])${mark.text}(?![\\p{L}\\p{N}])`, 'u'));
    expect(await page.locator('#plot-evidence img, #evidence-list img').count()).toBe(0);
    expect(await page.title()).not.toBe('pwned');
  });

  it('marks evidence only among the words the model read, and greys out the rest of a long plot', async () => {
    // 1,008 words in 3,844 characters: the model reads the first ghost but not the last.
    const plot = `A ghost haunts the house. ${'The cat ran at us. '.repeat(200)}The ghost returns.`;
    const direct = await postPredict(plot, undefined);
    const { read, total } = direct.json.plotWords!;
    expect([read, total]).toEqual([1_000, 1_008]);
    const ghost = direct.json.evidence!.plot.findIndex((e) => e.text === 'ghost');
    expect(ghost, 'the model names the ghost as evidence').toBeGreaterThanOrEqual(0);

    const page = await openPage();
    await page.locator('#plot').fill(plot);
    await page.getByRole('button', { name: 'Classify', exact: true }).click();
    expectShownMatches(await shownResult(page), direct.json);
    expect(await page.locator('#plot-words').textContent()).toBe("The model read the first 1,000 of the plot's 1,008 words; the greyed end did not count.");
    expect(await fact(page, 'Plot')).toBe('1,008 words, the first 1,000 read');
    const copy = await plotCopy(page);
    expect(copy.text).toBe(plot);
    // The 1,001st word on is the unread end, with no mark in it.
    const unread = await page.locator('#plot-evidence .unread').textContent();
    expect(unread).toBe('. The cat ran at us. The ghost returns.');
    expect(await page.locator('#plot-evidence .unread mark').count()).toBe(0);
    expect(copy.marks.filter((m) => m.rank === ghost + 1).map((m) => m.text)).toEqual(['ghost']);
  });

  it('counts a plot as the API does: an emoji is one character, and the limit falls where the API draws it', async () => {
    const page = await openPage();
    for (const [emoji, shown, over, status] of [
      [4994, '5,000 / 5,000', false, 200],
      [4995, '5,001 / 5,000 (1 over)', true, 400],
    ] as const) {
      const plot = `Lost. ${'🎬'.repeat(emoji)}`;
      await page.locator('#plot').fill(plot);
      expect(await page.locator('#plot-count').textContent()).toBe(shown);
      expect(await page.locator('#plot-count').evaluate((el) => el.classList.contains('over'))).toBe(over);
      expect((await postPredict(plot, undefined)).status).toBe(status);
    }
  });

  it('works with the keyboard alone', async () => {
    const page = await openPage();
    await page.locator('#plot').focus();
    await page.keyboard.type('A family moves into an old house where something evil waits in the cellar.');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('poster');
    expect(await page.locator('#drop-zone').evaluate((z) => z.matches(':focus-within'))).toBe(true);
    await page.locator('#plot').focus();
    await page.keyboard.press('Control+Enter');
    const shown = await shownResult(page);
    const direct = await postPredict('A family moves into an old house where something evil waits in the cellar.', undefined);
    expectShownMatches(shown, direct.json);
    await expectRevealed(page, '#answer');
  });

  it("shows the model's test figures and confusion matrix under How it works", async () => {
    const info = (await (await fetch(`${worker.url}/model`)).json()) as {
      version: string;
      labels: string[];
      image: { height: number; width: number };
      maxWords: number;
      decisionRule: { beta: number };
      report: {
        fusion: { confusion: number[][]; balancedAccuracy: number };
        text: { confusion: number[][] };
        image: { bySource: Record<string, { count: number; accuracy: number }> };
        calibration?: unknown;
      } | null;
    };
    const page = await openPage();
    await expect.poll(() => page.locator('#footer-model').textContent()).toContain(info.version);
    // The sizes the models read, from GET /model.
    const fill = (name: string) => page.locator(`#how [data-fill="${name}"]`).textContent();
    expect(await fill('imageSize')).toBe(`${info.image.width}×${info.image.height}`);
    expect(await fill('maxWords')).toBe(info.maxWords.toLocaleString('en'));
    expect(await fill('beta')).toBe(String(info.decisionRule.beta));
    // The genres and the plot limit come from the API too, not from copies in the page.
    expect(await page.locator('.tagline [data-fill="genres"]').textContent()).toBe(`${info.labels.slice(0, -1).join(', ')} and ${info.labels.at(-1)}`);
    expect(await page.locator('#plot-hint [data-fill="plotMaxChars"]').textContent()).toBe(LIMITS.plotMaxChars.toLocaleString('en'));
    expect(info.report, 'the evaluation report is published with the models').toBeTruthy();
    const report = info.report!;
    await page.locator('#evaluation:not([hidden])').waitFor();
    const rows = await page.locator('#metrics-table tbody tr').evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.head));
    expect(rows).toEqual(['fusion', 'text', 'image']);
    const fusionRow = page.locator('#metrics-table tbody tr[data-head="fusion"] td').nth(2);
    expect(await fusionRow.textContent()).toBe(report.fusion.balancedAccuracy.toFixed(3));
    const cells = await page.locator('#confusion tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => Number(td.textContent))));
    expect(cells).toEqual(report.fusion.confusion);
    expect(await page.locator('#confusion thead th').count()).toBe(info.labels.length + 1);
    expect(await page.locator('#confusion tbody th .long').allTextContents()).toEqual(info.labels);
    // One choice of model for the figures below the table.
    await page.getByLabel('Plot only').check();
    expect(await page.locator('#confusion-heading').textContent()).toBe('Confusion matrix: plot only');
    const textCells = await page.locator('#confusion tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => Number(td.textContent))));
    expect(textCells).toEqual(report.text.confusion);

    // The poster collections by name, as many as the report has.
    const sources = Object.keys(report.image.bySource);
    expect(await page.locator('#sources tbody tr').evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.source))).toEqual(sources);
    const names = await page.locator('#sources tbody th').allTextContents();
    for (const [i, name] of names.entries()) expect(name, sources[i]).not.toBe(sources[i]);
    expect(names).toContain('MovieLens 1M posters');
    expect(await page.locator('#sources-note').textContent()).toMatch(new RegExp(`^The test split's posters come from ${['no', 'one', 'two', 'three', 'four'][sources.length]} collections`));
    // No calibration in the report, no reliability diagram.
    expect(await page.locator('#calibration-block').isHidden()).toBe(!report.calibration);
  });

  it('draws a reliability diagram, with its figures as a table, from the calibration in the evaluation report', async () => {
    // The report's calibration as src/shared/evaluationReport.ts describes it: per head, 10 bins of the top probability.
    const bins = (accuracies: (number | null)[], counts: number[]) =>
      accuracies.map((accuracy, i) => ({ from: i / 10, to: (i + 1) / 10, count: counts[i], confidence: accuracy === null ? null : i / 10 + 0.06, accuracy }));
    const calibration = {
      fusion: { ece: 0.041, nll: 1.12, bins: bins([null, null, 0.21, 0.3, 0.38, 0.49, 0.58, 0.71, 0.8, 0.93], [0, 0, 40, 210, 380, 420, 390, 350, 400, 820]) },
      text: { ece: 0.052, nll: 1.2, bins: bins([null, 0.1, 0.22, 0.3, 0.41, 0.5, 0.6, 0.7, 0.81, 0.9], [0, 3, 50, 200, 400, 400, 400, 350, 400, 807]) },
      image: { ece: 0.03, nll: 1.6, bins: bins([null, 0.12, 0.25, 0.33, 0.44, 0.55, 0.66, null, null, null], [0, 30, 600, 900, 700, 500, 280, 0, 0, 0]) },
    };
    const page = await openPage(PHONE, TOUCH);
    await page.route(`${worker.url}/model`, async (route) => {
      const info = await (await route.fetch()).json();
      await route.fulfill({ json: { ...info, report: { ...info.report, calibration } } });
    });
    await page.reload();
    await page.locator('#calibration-block:not([hidden])').waitFor();

    const shownBins = () =>
      page.locator('#reliability-chart svg .bin').evaluateAll((groups) =>
        groups.map((g) => ({ from: Number(g.getAttribute('data-from')), accuracy: Number(g.getAttribute('data-accuracy')), height: Number(g.querySelector('.bar')?.getAttribute('height')) })),
      );
    for (const key of ['fusion', 'image'] as const) {
      if (key === 'image') await page.getByLabel('Poster only').check();
      const filled = calibration[key].bins.filter((b) => b.accuracy !== null);
      const drawn = await shownBins();
      expect(drawn.map(({ from, accuracy }) => ({ from, accuracy }))).toEqual(filled.map((b) => ({ from: b.from, accuracy: b.accuracy })));
      // Bar heights are in proportion to the share right.
      const scale = drawn[0].height / drawn[0].accuracy;
      for (const bin of drawn) expect(bin.height).toBeCloseTo(bin.accuracy * scale, 6);
      // The same figures as a table, every bin, "—" for an empty one.
      const rows = await page.locator('#calibration-table tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.children).map((c) => c.textContent)));
      expect(rows).toEqual(
        calibration[key].bins.map((b) => [
          `${Math.round(b.from * 100)}%–${Math.round(b.to * 100)}%`,
          b.count.toLocaleString('en'),
          b.confidence === null ? '—' : percent(b.confidence),
          b.accuracy === null ? '—' : percent(b.accuracy),
        ]),
      );
      expect(await page.locator('#calibration-summary').textContent()).toContain(`differ by ${(calibration[key].ece * 100).toFixed(1)} points on average`);
    }
    // Described for screen readers: a labelled image, whose description points to the table.
    const svg = page.locator('#reliability-chart svg');
    expect(await svg.getAttribute('role')).toBe('img');
    expect(await page.locator('#reliability-desc').textContent()).toContain('The table below the diagram lists every group.');
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await page.locator('#calibration-block details summary').click();
    await page.locator('#calibration-block').screenshot({ path: join(OUTPUT_DIR, 'page-phone-reliability.png') });
  });

  it('fits a 360 px phone screen', async () => {
    const page = await openPage({ width: 360, height: 740 });
    await expect.poll(() => page.locator('button.example').count()).toBeGreaterThan(0);
    await page.locator('button.example').first().click();
    await shownResult(page);
    await page.waitForFunction(() => document.fonts.ready.then(() => true));
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(OUTPUT_DIR, 'page-phone.png'), fullPage: true });
    await page.screenshot({ path: join(OUTPUT_DIR, 'page-phone-viewport.png') });

    // An Others answer with its evidence, in a plot with a word longer than the screen is wide.
    const { plot } = await othersPlot(worker.url);
    await page.locator('#plot').fill(`${plot} ${'Pneumonoultramicroscopicsilicovolcanoconiosis'.repeat(3)}`);
    await page.getByRole('button', { name: 'Classify', exact: true }).click();
    await page.locator('#others-detail:not([hidden])').waitFor();
    expect(await page.locator('#plot-evidence mark').count()).toBeGreaterThan(0);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.locator('#result').screenshot({ path: join(OUTPUT_DIR, 'page-phone-others.png') });
  });

  it('on a 390 × 844 touch screen, brings the answer or the error into view and focuses it, and hides the keyboard hint', async () => {
    const page = await openPage(PHONE, TOUCH);
    expect(await page.locator('.keyboard-hint').isHidden()).toBe(true);
    await page.locator('#plot').fill(PLOT);
    await page.setInputFiles('#poster', POSTER);
    expect(await inViewport(page, '#output')).toBe(false); // the answer panel starts below the fold
    await page.getByRole('button', { name: 'Classify', exact: true }).tap();
    await shownResult(page);
    await expectRevealed(page, '#answer');
    await page.screenshot({ path: join(OUTPUT_DIR, 'page-phone-answer.png') });

    // An error after scrolling back up to the form is brought into view the same way.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.locator('#plot').fill('?! … 👻');
    await page.getByRole('button', { name: 'Classify', exact: true }).tap();
    const shown = await shownError(page);
    expect({ title: shown.title, advice: shown.advice }).toEqual(errorText({ status: 400, code: 'invalid_plot' }));
    await expectRevealed(page, '#error');
    await page.screenshot({ path: join(OUTPUT_DIR, 'page-phone-error.png') });
  });

  it('shows the keyboard hint where there is a mouse', async () => {
    const page = await openPage();
    expect(await page.locator('.keyboard-hint').isVisible()).toBe(true);
  });

  it('gives way to a newer request made while its poster is being scaled, and frees the button', async () => {
    const { page, examples } = await openWithExamples();
    const example = examples[0];
    const release = await holdScaling(page);
    await page.setInputFiles('#poster', PHOTO);
    await page.getByRole('button', { name: 'Classify', exact: true }).click();
    await page.locator(`button[data-example-id="${example.id}"]`).click();
    await shownResult(page);
    expect(await page.locator('#truth').textContent()).toContain(example.title);

    await release();
    expect(await classifyButton(page).textContent()).toBe('Classify');
    expect(await classifyButton(page).getAttribute('aria-disabled')).toBeNull();
    expect(await page.locator('#classify-form').getAttribute('aria-busy')).toBeNull();
    // The example's poster is not relabelled with the photo's scaling.
    expect(await page.locator('#poster-name').textContent()).toMatch(new RegExp(`^${example.id}\\.jpg \\([^)]+\\)$`));
    expect(await page.locator('#truth').textContent()).toContain(example.title);
  });

  it('sends the poster it started with when the poster is removed while being scaled', async () => {
    const page = await openPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    const release = await holdScaling(page);
    await page.locator('#plot').fill(PLOT);
    await page.setInputFiles('#poster', PHOTO);
    await page.getByRole('button', { name: 'Classify', exact: true }).click();
    await page.getByRole('button', { name: 'Remove poster' }).click();
    await release();
    await shownResult(page);
    expect(await page.locator('#poster-name').textContent()).toBe('No poster chosen.');
    expect(errors).toEqual([]);
  });

  it('never lets a late example poster overwrite a newer example, typing or Clear', async () => {
    const { page, examples } = await openWithExamples();
    const [slow, newer, typedOver, cleared] = examples;
    const click = (example: Example) => page.locator(`button[data-example-id="${example.id}"]`).click();

    // A newer example click wins.
    let release = await holdExamplePoster(page, slow);
    await click(slow);
    await click(newer);
    await shownResult(page);
    await release();
    expect(await page.locator('#plot').inputValue()).toBe(newer.plot);
    expect(await page.locator('#poster-name').textContent()).toContain(`${newer.id}.jpg`);
    expect(await page.locator('#truth').textContent()).toContain(newer.title);

    // Typing a plot wins.
    await page.getByRole('button', { name: 'Clear' }).click();
    release = await holdExamplePoster(page, typedOver);
    await click(typedOver);
    await page.locator('#plot').fill(PLOT);
    await release();
    expect(await page.locator('#plot').inputValue()).toBe(PLOT);
    expect(await page.locator('#poster-name').textContent()).toBe('No poster chosen.');
    expect(await page.locator('#result').isHidden()).toBe(true);

    // Clear wins.
    release = await holdExamplePoster(page, cleared);
    await click(cleared);
    await page.getByRole('button', { name: 'Clear' }).click();
    await release();
    expect(await page.locator('#plot').inputValue()).toBe('');
    expect(await page.locator('#poster-name').textContent()).toBe('No poster chosen.');
    expect(await page.locator('#result').isHidden()).toBe(true);
  });

  it('says so when the token has a character that cannot be sent in a header', async () => {
    const page = await openPage();
    const predicts: string[] = [];
    page.on('request', (r) => r.url() === `${worker.url}/predict` && predicts.push(r.method()));
    await page.locator('#plot').fill(PLOT);
    await page.getByText('Access token').click();
    await page.locator('#token').fill('secret\u200btoken'); // a zero-width space, as copied from a chat
    await page.getByRole('button', { name: 'Classify', exact: true }).click();
    await page.locator('#error').waitFor({ timeout: 5_000 });
    expect(await page.locator('#error .error-title').textContent()).toBe('The access token cannot be sent');
    await expectRevealed(page, '#error');
    expect(await classifyButton(page).textContent()).toBe('Classify');
    expect(predicts).toEqual([]);
    // Its button leads to the token field.
    await page.getByRole('button', { name: 'Enter the token' }).click();
    expect(await focusedId(page)).toBe('token');
  });

  it('hides the previous result when a new request is rejected', async () => {
    const page = await openPage();
    await page.locator('#plot').fill(PLOT);
    await page.getByRole('button', { name: 'Classify', exact: true }).click();
    await shownResult(page);
    await page.locator('#plot').fill('?!');
    await page.getByRole('button', { name: 'Classify', exact: true }).click();
    expect((await shownError(page)).technical).toBe('HTTP 400 · invalid_plot');
    expect(await page.locator('#result').isHidden()).toBe(true);
  });

  it('keeps keyboard focus on Classify while it works, ignores a second press meanwhile, then focuses the answer', async () => {
    const page = await openPage();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(`${worker.url}/predict`, async (route) => {
      await held;
      await route.continue();
    });
    const predicts: string[] = [];
    page.on('request', (r) => r.url() === `${worker.url}/predict` && predicts.push(r.method()));
    await page.locator('#plot').fill(PLOT);
    await classifyButton(page).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => classifyButton(page).textContent()).toBe('Classifying…');
    expect(await focusedId(page)).toBe('classify');
    expect(await classifyButton(page).getAttribute('aria-disabled')).toBe('true');
    await page.keyboard.press('Enter');

    release();
    await shownResult(page);
    await expectRevealed(page, '#answer');
    expect(predicts).toEqual(['POST']);
  });

  it('takes a correction after an answer ("Wrong genre?"), by keyboard, and stores it with the input in D1 and R2', async () => {
    const page = await openPage();
    await page.locator('#plot').fill(PLOT);
    await page.locator('#poster').setInputFiles(POSTER);
    await page.locator('#classify').click();
    const { topGenre } = await shownResult(page);
    const open = page.locator('#feedback-open');
    await expect.poll(() => open.getAttribute('aria-expanded')).toBe('false');
    expect(await page.locator('#feedback-form').isVisible()).toBe(false);

    await open.focus();
    await page.keyboard.press('Enter');
    expect(await open.getAttribute('aria-expanded')).toBe('true');
    // The six genres it did not answer, as radio buttons named by the legend; the first takes focus.
    const genres = page.getByRole('group', { name: 'Its main genre is' }).getByRole('radio');
    const names = await genres.evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
    expect(names).toEqual(GENRES.filter((g) => g !== topGenre).sort());
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value)).toBe(names[0]);
    expect(await page.locator('#feedback-predicted').textContent()).toBe(topGenre);

    // Sending without a genre says so, where a screen reader hears it, and sends nothing.
    const sent: string[] = [];
    page.on('request', (r) => r.url().endsWith('/feedback') && sent.push(r.postData() ?? ''));
    await page.locator('#feedback-send').click();
    expect(await page.getByRole('alert').textContent()).toBe('Choose the genre this movie belongs to.');
    expect(await genres.first().evaluate((i) => i === document.activeElement)).toBe(true);
    expect(sent).toEqual([]);

    // Arrow keys move through the radio group as in any form; Space is not needed.
    await page.keyboard.press('ArrowRight');
    const genre = names[1];
    expect(await genres.nth(1).isChecked()).toBe(true);
    expect(await page.getByRole('alert').isVisible()).toBe(false);
    await page.locator('.feedback-tags summary').click();
    for (const tag of ['Crime', 'Thriller']) await page.getByRole('checkbox', { name: tag, exact: true }).check();
    await page.locator('#feedback').screenshot({ path: join(OUTPUT_DIR, 'page-feedback.png') });

    // A server that is busy: the correction is not lost, the form stays to send it again.
    await page.route('**/feedback', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'overloaded', message: 'busy' } }) }), { times: 1 });
    await page.locator('#feedback-send').click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('The classifier is busy right now: your correction was not saved. Wait a minute, then send it again.');
    expect(await page.locator('#feedback-form').isVisible()).toBe(true);

    const stored = page.waitForResponse((r) => r.url().endsWith('/feedback'));
    await page.locator('#feedback-send').focus();
    await page.keyboard.press('Enter');
    const response = await stored;
    expect(response.status()).toBe(201);
    const { id } = (await response.json()) as { id: number };
    const done = page.getByRole('status').filter({ hasText: 'Thank you' });
    expect(await done.textContent()).toBe(`Thank you! Saved: this movie is ${genre}. Corrections like yours train the next model.`);
    expect(await done.evaluate((node) => node === document.activeElement)).toBe(true);
    expect(await page.locator('#feedback-form').isVisible()).toBe(false);
    expect(await open.isVisible()).toBe(false);

    // What was stored is the input classified, read back as the training pipeline reads it.
    const body = JSON.parse(sent.at(-1)!) as { plot: string; poster: string; predicted: string; genre: string; tmdbGenres: string[]; modelVersion: string };
    expect(body).toMatchObject({ plot: PLOT, predicted: topGenre, genre, tmdbGenres: ['Crime', 'Thriller'] });
    const out = await mkdtemp(join(tmpdir(), 'genre-page-feedback-'));
    try {
      await exportFeedback({ out, persistTo: inject('wranglerState'), log: () => {} });
      const row = (await loadDataset(out)).find((m) => m.tmdbId === FEEDBACK_ID_OFFSET + id)!;
      expect([row.overview, GENRES[row.label], row.genres]).toEqual([PLOT, genre, ['Crime', 'Thriller']]);
      expect(await readFile(row.posterPath)).toEqual(await readFile(POSTER));
    } finally {
      await rm(out, { recursive: true, force: true });
    }

    // A new answer can be corrected in turn.
    await page.locator('#classify').click();
    await shownResult(page);
    expect(await open.isVisible()).toBe(true);
    expect(await done.isVisible()).toBe(false);
  });

  it('loaded nothing from outside the Worker and threw no script errors', () => {
    expect(foreignRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
