import { GENRES } from './labels';
import type { PlotFeaturesWithPhrases } from './plotFeatures';

/** A word or phrase of the plot, as the user wrote it, and how much it raised the top genre's logit. */
export interface PlotEvidence {
  text: string;
  weight: number;
}

/** Phrases the API returns at most. */
export const EVIDENCE_MAX = 6;

/**
 * The words and phrases that raised genre `top` most. The text model reports each hash bucket's share of
 * each genre's logit (`evidence`, [buckets × genres], centred over the genres); a bucket's share is split
 * evenly among the n-grams that fell into it, a character n-gram counting for its word. Shares of the same
 * phrase add up over its occurrences. A phrase inside one already chosen ("haunted" after "haunted house")
 * is left out, so the list names different things.
 */
export function plotEvidence(plot: string, features: PlotFeaturesWithPhrases, evidence: Float32Array, top: number): PlotEvidence[] {
  const { wordList, phrases } = features;
  const byText = new Map<string, { weight: number; text: string }>();
  phrases.forEach((list, j) => {
    const share = evidence[j * GENRES.length + top] / list.length;
    for (const { word, length } of list) {
      const key = wordList.slice(word, word + length).map((w) => w.text).join(' ');
      const entry = byText.get(key) ?? { weight: 0, text: plot.slice(wordList[word].start, wordList[word + length - 1].end) };
      entry.weight += share;
      byText.set(key, entry);
    }
  });
  const chosen: string[] = [];
  const out: PlotEvidence[] = [];
  for (const [key, { weight, text }] of [...byText].sort((a, b) => b[1].weight - a[1].weight)) {
    const rounded = Math.round(weight * 1000) / 1000;
    if (rounded <= 0 || out.length === EVIDENCE_MAX) break;
    if (chosen.some((c) => ` ${c} `.includes(` ${key} `))) continue;
    chosen.push(key);
    out.push({ text, weight: rounded });
  }
  return out;
}
