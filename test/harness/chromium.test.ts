import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chosenChromium, SYSTEM_CHROMIUM, unpackedChromium } from '../web/chromium';

describe('the Chromium the browser tests drive', () => {
  it('is CHROMIUM_PATH when set, else the system one, else the one from the npm registry', () => {
    expect(chosenChromium({ CHROMIUM_PATH: '/opt/chrome' }, () => true)).toBe('/opt/chrome');
    expect(chosenChromium({ CHROMIUM_PATH: '/opt/chrome' }, () => false)).toBe('/opt/chrome');
    expect(chosenChromium({}, (path) => path === SYSTEM_CHROMIUM)).toBe(SYSTEM_CHROMIUM);
    expect(chosenChromium({}, () => false)).toBeUndefined();
  });

  it('from the npm registry unpacks, launches and renders a page', async () => {
    const binary = await unpackedChromium();
    const browser = await chromium.launch({ executablePath: binary.executablePath, env: { ...process.env, ...binary.env }, args: ['--headless', '--no-sandbox'] });
    try {
      const page = await browser.newPage();
      // A text field needs a font: it crashed Chromium while the package's fonts were not found.
      await page.setContent('<textarea></textarea>');
      await page.locator('textarea').fill('5 emoji: 😀😀😀😀😀');
      expect(await page.locator('textarea').evaluate((t: HTMLTextAreaElement) => [...t.value].length)).toBe(14);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
