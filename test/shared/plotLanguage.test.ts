import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../models/data/dataset';
import { readSplit } from '../../models/data/split';
import { ARTIFACTS_DIR, sharedPaths } from '../../models/paths';
import { countWords, plotLanguage, PLOT_LANGUAGE_MIN_WORDS } from '../../src/shared/plotLanguage';
import { languagePlots } from '../support/languagePlots';

const plots = await languagePlots();
const foreign = plots.filter((p) => p.language !== 'en');
const notEnglish = async (text: string) => {
  const answer = await plotLanguage(text);
  return answer.judged && !answer.english;
};

describe('plotLanguage on the fixture (test/fixtures/plots/plots.json)', () => {
  it('holds typical and short plots in at least 12 other languages, and hard English ones', () => {
    expect(new Set(foreign.map((p) => p.language)).size).toBeGreaterThanOrEqual(12);
    expect(foreign.filter((p) => p.length === 'short').length).toBeGreaterThan(20);
    expect(plots.filter((p) => p.hard).length).toBeGreaterThan(10);
  });

  it.each(foreign.filter((p) => p.length === 'typical').map((p) => [p.language, p.text]))('flags the %s plot %j', async (_, text) => {
    expect(await plotLanguage(text)).toMatchObject({ judged: true, english: false });
  });

  it.each(foreign.filter((p) => p.length === 'short').map((p) => [p.language, p.text]))('flags the short %s plot %j when long enough to judge', async (_, text) => {
    const answer = await plotLanguage(text);
    if (countWords(text) < PLOT_LANGUAGE_MIN_WORDS) expect(answer.judged).toBe(false);
    else expect(answer).toMatchObject({ judged: true, english: false });
  });

  it.each(plots.filter((p) => p.language === 'en').map((p) => [p.hard, p.text]))('does not flag English with %s: %j', async (_, text) => {
    expect(await notEnglish(text)).toBe(false);
  });

  it('names the language of a plot it flags, and English otherwise', async () => {
    expect(await plotLanguage(foreign.find((p) => p.language === 'fr')!.text)).toMatchObject({ language: 'fr' });
    expect(await plotLanguage(foreign.find((p) => p.language === 'ja')!.text)).toMatchObject({ language: 'ja' });
    expect(await plotLanguage(plots.find((p) => p.hard === 'a French title quoted')!.text)).toMatchObject({ judged: true, english: true, language: 'en' });
  });
});

describe('plotLanguage on short and odd input', () => {
  it('counts words in scripts written without spaces', () => {
    expect(countWords('A retired hitman takes one last job.')).toBe(7);
    expect(countWords('一个小男孩和他的狗踏上了寻找妈妈的旅程。')).toBeGreaterThanOrEqual(PLOT_LANGUAGE_MIN_WORDS);
  });

  it.each(['', 'A dog saves Christmas.', 'Un tueur à gages.', '1917 2019 2049', '🎬🍿😱 ?!'])('does not judge %j', async (text) => {
    expect((await plotLanguage(text)).judged).toBe(false);
  });
});

describe('plotLanguage on the test split (../shared, models/artifacts/split.json)', async () => {
  const split = await readSplit(join(ARTIFACTS_DIR, 'split.json'));
  const ids = new Set(split.test);
  const test = (await loadDataset(sharedPaths().dataset)).filter((m) => ids.has(m.tmdbId));

  it('flags under 1% of its plots, and its one French plot', async () => {
    const answers = await Promise.all(test.map((m) => notEnglish(m.overview)));
    const flagged = test.filter((_, i) => answers[i]).map((m) => m.tmdbId);
    expect(test).toHaveLength(3010);
    expect(flagged.length / test.length).toBeLessThan(0.01);
    // "Voilà dix ans que les chemins de René et de François se sont séparés…"
    expect(flagged).toContain(22623);
  });
});
