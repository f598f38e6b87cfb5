import { BertNormalizer } from '@huggingface/tokenizers';
import { wordSpans } from './plotText';

/** How a plot becomes the text model's sparse input; stored in the model manifest. */
export interface PlotFeatureParams {
  /** Hash buckets the n-grams fall into: the text model's input width. */
  buckets: number;
  /** Word n-gram lengths, e.g. [1, 2] for words and word pairs. */
  wordNgrams: number[];
  /** Character n-gram lengths inside each word (marked `<word>` at its ends); [] for none. */
  charNgrams: number[];
  /** Words read from the start of the plot. */
  maxWords: number;
}

/** A word of the plot: normalised for the model, and where it stands in the text as the user wrote it. */
export interface PlotWord {
  text: string;
  start: number;
  end: number;
}

/** A word or a run of words that features come from: what the evidence of a prediction is made of. */
export interface PlotPhrase {
  /** Index of its first word and the number of words. */
  word: number;
  length: number;
}

export interface PlotFeatures {
  /** Distinct bucket ids, ascending: the text model's `feature_ids`. */
  ids: Int32Array;
  /** How many n-grams fell into each bucket: the model's `feature_counts` (it applies TF-IDF itself). */
  counts: Float32Array;
  /** Words read (at most `maxWords`) and in the whole plot, so callers can tell the user the plot was cut. */
  words: { read: number; total: number };
}

export interface PlotFeaturesWithPhrases extends PlotFeatures {
  /** The plot's words (all of them; only the first `words.read` were read). */
  wordList: PlotWord[];
  /** For each bucket, the phrases whose n-grams fell into it, once per n-gram (so a count of 3 lists 3). */
  phrases: PlotPhrase[][];
}

// BERT's normalisation from @huggingface/tokenizers: lower case, accents stripped (NFD minus marks).
const normalizer = new BertNormalizer({ type: 'BertNormalizer', lowercase: true, strip_accents: true, clean_text: false, handle_chinese_chars: false });

/** The plot's words with their places in the text; a plot without any (only punctuation or emoji) has none. */
export function plotWords(plot: string): PlotWord[] {
  return wordSpans(plot).map(({ start, end }) => ({ text: normalizer.normalize(plot.slice(start, end)), start, end }));
}

const FNV_OFFSET = 0x811c9dc5;
const fnvStep = (h: number, codeUnit: number) => Math.imul(h ^ codeUnit, 0x01000193);
const fnvString = (h: number, s: string) => {
  for (let i = 0; i < s.length; i++) h = fnvStep(h, s.charCodeAt(i));
  return h;
};

/** FNV-1a over UTF-16 code units: cheap, stable in every runtime, and extendable one character at a time. */
export const hashBucket = (key: string, buckets: number): number => (fnvString(FNV_OFFSET, key) >>> 0) % buckets;

/**
 * Visit every n-gram of the words with its bucket: word n-grams keyed `w` + the words joined by spaces,
 * character n-grams `c` + the n characters of `<word>`, so the two kinds never share a key. Each key's
 * hash extends the one of its prefix, which keeps feature extraction over 200k training plots fast.
 */
function visitNgrams(words: PlotWord[], params: PlotFeatureParams, visit: (bucket: number, word: number, length: number) => void): void {
  const { buckets, wordNgrams, charNgrams } = params;
  const longestWords = Math.max(0, ...wordNgrams);
  const longestChars = Math.max(0, ...charNgrams);
  const wordSeed = fnvStep(FNV_OFFSET, 'w'.charCodeAt(0));
  const charSeed = fnvStep(FNV_OFFSET, 'c'.charCodeAt(0));
  for (let i = 0; i < words.length; i++) {
    let h = wordSeed;
    for (let n = 1; n <= longestWords && i + n <= words.length; n++) {
      if (n > 1) h = fnvStep(h, 32);
      h = fnvString(h, words[i + n - 1].text);
      if (wordNgrams.includes(n)) visit((h >>> 0) % buckets, i, n);
    }
    const marked = `<${words[i].text}>`;
    for (let k = 0; k < marked.length; k++) {
      let c = charSeed;
      for (let n = 1; n <= longestChars && k + n <= marked.length; n++) {
        c = fnvStep(c, marked.charCodeAt(k + n - 1));
        if (charNgrams.includes(n)) visit((c >>> 0) % buckets, i, 1);
      }
    }
  }
}

/** The hashed n-grams of a plot, counted per bucket; with `phrases`, also which words each bucket came from (for evidence). */
export function plotFeatures(plot: string, params: PlotFeatureParams): PlotFeatures;
export function plotFeatures(plot: string, params: PlotFeatureParams, options: { phrases: true }): PlotFeaturesWithPhrases;
export function plotFeatures(plot: string, params: PlotFeatureParams, options?: { phrases: true }): PlotFeatures | PlotFeaturesWithPhrases {
  const wordList = plotWords(plot);
  const words = wordList.slice(0, params.maxWords);
  const counts = new Map<number, number>();
  const phrases = new Map<number, PlotPhrase[]>();
  visitNgrams(words, params, (bucket, word, length) => {
    counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
    if (!options?.phrases) return;
    const list = phrases.get(bucket);
    if (list) list.push({ word, length });
    else phrases.set(bucket, [{ word, length }]);
  });
  const ids = Int32Array.from(counts.keys()).sort();
  const features = { ids, counts: Float32Array.from(ids, (id) => counts.get(id)!), words: { read: words.length, total: wordList.length } };
  return options?.phrases ? { ...features, wordList, phrases: Array.from(ids, (id) => phrases.get(id)!) } : features;
}
