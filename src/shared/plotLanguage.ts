// Whether a plot is written in English, for the `plot_not_english` warning. eld (pure JS, 60 languages) was
// chosen by measurement, and the two constants below too: docs/decisions/plot-language.md.

/** Plots with fewer words are not judged: below it, too many short English plots read as another language. */
export const PLOT_LANGUAGE_MIN_WORDS = 8;

/**
 * A plot is called not English only when English scores below this share of the top language's score.
 * Foreign names or a quoted title can put another language on top in an English plot, with English close
 * behind (0.8 or more); in a plot written in another language English is further behind (0.73 at most).
 */
export const NOT_ENGLISH_SCORE_RATIO = 0.8;

export type PlotLanguage =
  /** Too short to tell, or no language found (digits, emoji, a script eld does not know). */
  | { judged: false; words: number }
  /** `language`: an ISO 639-1 code, `en` whenever `english` is true. */
  | { judged: true; words: number; english: boolean; language: string };

// Words as Unicode segments them, so that Chinese and Japanese, written without spaces, count words too.
const segmenter = new Intl.Segmenter('und', { granularity: 'word' });

export function countWords(text: string): number {
  let words = 0;
  for (const segment of segmenter.segment(text)) if (segment.isWordLike) words++;
  return words;
}

// eld's tables take about 28 MiB of heap and a few hundred ms to build: imported on the first plot to
// judge rather than at the Worker's start-up (wrangler bundles it, and evaluates it only then).
let eld: Promise<(typeof import('eld/extrasmall'))['eld']> | undefined;

export async function plotLanguage(plot: string): Promise<PlotLanguage> {
  const words = countWords(plot);
  if (words < PLOT_LANGUAGE_MIN_WORDS) return { judged: false, words };
  eld ??= import('eld/extrasmall').then((m) => m.eld);
  const result = (await eld).detect(plot);
  const top = result.language;
  if (!top) return { judged: false, words };
  const scores = result.getScores();
  const english = top === 'en' || (scores.en ?? 0) >= NOT_ENGLISH_SCORE_RATIO * (scores[top] ?? 0);
  return { judged: true, words, english, language: english ? 'en' : top };
}
