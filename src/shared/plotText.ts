// What counts in a plot, for the API (src/shared/apiSchemas.ts, src/predict.ts), the text model, the Discord command
// and the web page. The page gets plotLength and wordSpans as source (GET /plot-text.js, src/routes/site.ts): keep
// each of them self-contained.

/** A plot's length in characters, as the limit counts it: code points (an emoji is one), a line break (CRLF or not) as one, surrounding white space not at all. */
export function plotLength(text: string): number {
  return [...text.replace(/\r\n?/g, '\n').trim()].length;
}

/** Whether a plot has a word: a run of characters with at least one Unicode letter or digit. Punctuation or emoji alone has none. */
export function hasWord(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}

/**
 * Where the words of a plot stand, in order: a word is a run of Unicode letters and digits, everything else
 * separates words. The text model reads the first `maxWords` of them (src/shared/plotFeatures.ts); the page
 * marks evidence only among those.
 */
export function wordSpans(text: string): { start: number; end: number }[] {
  return Array.from(text.matchAll(/[\p{L}\p{N}]+/gu), (m) => ({ start: m.index, end: m.index + m[0].length }));
}
