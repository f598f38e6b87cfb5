import { francAll } from 'franc-min';

// Whether a plot is written in English, for the `plot_not_english` warning. franc-min (pure JS trigrams, 82
// languages) and the constants below were chosen by measurement: docs/decisions/plot-language.md.

/** Plots with fewer words are not judged: below it, too many short English plots read as another language. */
export const PLOT_LANGUAGE_MIN_WORDS = 8;

/**
 * A plot is called not English only when English scores below this share of the top language's score:
 * short plots, whose trigram scores are noisier, need a wider gap than long ones.
 */
export const NOT_ENGLISH_BELOW = { short: 0.8, long: 0.9 } as const;
/** Plots of this many words or more are long. */
export const LONG_PLOT_WORDS = 25;

export type PlotLanguage =
  /** Too short to tell, or no language found (digits, emoji). */
  | { judged: false; words: number }
  /** `language`: franc's ISO 639-3 code (a hint: close languages are confused), `eng` whenever `english` is true. */
  | { judged: true; words: number; english: boolean; language: string };

// Words as Unicode segments them, so that Chinese and Japanese, written without spaces, count words too.
const segmenter = new Intl.Segmenter('und', { granularity: 'word' });

export function countWords(text: string): number {
  let words = 0;
  for (const segment of segmenter.segment(text)) if (segment.isWordLike) words++;
  return words;
}

export function plotLanguage(plot: string): PlotLanguage {
  const words = countWords(plot);
  if (words < PLOT_LANGUAGE_MIN_WORDS) return { judged: false, words };
  // Every language's score, the top one first at 1.
  const scores = francAll(plot, { minLength: 1 });
  const [top, topScore] = scores[0];
  if (top === 'und') return { judged: false, words };
  const englishScore = scores.find(([code]) => code === 'eng')?.[1] ?? 0;
  const share = words >= LONG_PLOT_WORDS ? NOT_ENGLISH_BELOW.long : NOT_ENGLISH_BELOW.short;
  const english = top === 'eng' || englishScore >= share * topScore;
  return { judged: true, words, english, language: english ? 'eng' : top };
}
