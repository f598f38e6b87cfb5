// What counts in a plot, for the API (src/shared/apiSchemas.ts, src/predict.ts), the Discord command and the web page.
// The page gets plotLength as source (GET /plot-text.js, src/routes/site.ts): keep it self-contained.

/** A plot's length in characters, as the limit counts it: code points (an emoji is one), a line break (CRLF or not) as one, surrounding white space not at all. */
export function plotLength(text: string): number {
  return [...text.replace(/\r\n?/g, '\n').trim()].length;
}

/** Whether a plot has a word: a run of characters with at least one Unicode letter or digit. Punctuation or emoji alone has none. */
export function hasWord(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}
