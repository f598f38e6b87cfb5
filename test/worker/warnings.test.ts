import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { Prediction } from '../../src/shared/apiSchemas';
import { LOW_CONFIDENCE_BELOW, PLOT_TOO_SHORT_BELOW_WORDS } from '../../src/shared/warningThresholds';
import plots from '../fixtures/plots/plots.json';
import { postJson, putModels } from './helpers';

beforeAll(() => putModels());

const answerTo = async (body: object) => {
  const res = await postJson(body, { 'cache-control': 'no-store' });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Prediction;
};
const codes = (p: Prediction) => p.warnings.map((w) => w.code);

const ENGLISH = [
  'A retired special forces soldier takes on a drug cartel to rescue his kidnapped daughter, with explosions and car chases through the city.',
  'Two estranged sisters inherit a haunted farmhouse in Vermont, where the ghost of their grandmother has unfinished business with the family.',
  'This documentary follows three beekeepers in the Alps over a year as they try to save their hives from a mysterious disease.',
];

describe('warnings in /predict answers', () => {
  const foreign = (plots as { language: string; length: string; text: string }[]).filter((p) => p.language !== 'en' && p.length === 'typical');

  it('plot_not_english for typical plots in at least ten other languages, in plain words naming the language', async () => {
    const languages = [...new Set(foreign.map((p) => p.language))];
    expect(languages.length).toBeGreaterThanOrEqual(10);
    for (const language of languages) {
      const p = await answerTo({ plot: foreign.find((f) => f.language === language)!.text });
      expect(codes(p), language).toContain('plot_not_english');
      // Still an answer: warnings never turn a request into an error.
      expect(p.genres).toHaveLength(7);
    }
    const french = await answerTo({ plot: foreign.find((f) => f.language === 'fr')!.text });
    expect(french.warnings.find((w) => w.code === 'plot_not_english')!.message).toMatch(/^The plot does not look like English \(it reads like French\)\./);
  });

  it(`plot_too_short below ${PLOT_TOO_SHORT_BELOW_WORDS} words, not from there`, async () => {
    for (const plot of ['zombie', 'the', 'A ghost story.']) {
      const p = await answerTo({ plot });
      expect(codes(p), plot).toContain('plot_too_short');
      expect(p.warnings.find((w) => w.code === 'plot_too_short')!.message).toMatch(/^The plot has only \d+ words?, too few/);
    }
    const enough = Array.from({ length: PLOT_TOO_SHORT_BELOW_WORDS }, (_, i) => ['A', 'lonely', 'robot', 'explores', 'an', 'abandoned', 'space', 'station', 'far', 'from', 'home', 'again'][i % 12]).join(' ');
    expect(codes(await answerTo({ plot: enough }))).not.toContain('plot_too_short');
  });

  it('low_confidence exactly when the top probability is below the threshold', async () => {
    const f = inject('fixtures');
    const answers = await Promise.all([
      ...ENGLISH.map((plot) => answerTo({ plot })),
      answerTo({ poster: f.jpeg }),
      answerTo({ poster: f.png }),
      answerTo({ poster: f.bmp }),
      answerTo({ plot: 'A man and a woman talk about their lives over dinner in a small town, and then they go home.' }),
      answerTo({ plot: 'People meet in a city and things happen to them over the years.' }),
    ]);
    for (const p of answers) expect(codes(p).includes('low_confidence'), JSON.stringify(p.top)).toBe(p.top.probability < LOW_CONFIDENCE_BELOW);
    // Both cases occur among these inputs, so the rule is tested both ways.
    expect(answers.some((p) => p.top.probability < LOW_CONFIDENCE_BELOW)).toBe(true);
    expect(answers.some((p) => p.top.probability >= LOW_CONFIDENCE_BELOW)).toBe(true);
  });

  it('none for ordinary English plots the model is sure of', async () => {
    for (const plot of ENGLISH) {
      const p = await answerTo({ plot });
      expect(p.warnings, plot).toEqual(p.top.probability < LOW_CONFIDENCE_BELOW ? [expect.objectContaining({ code: 'low_confidence' })] : []);
    }
    const horror = await answerTo({ plot: ENGLISH[1] });
    expect(horror.warnings).toEqual([]);
  });
});
