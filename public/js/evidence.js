// The plot as sent, with the words that weighed most marked: only among the words the model read.
import { $, el, number } from './dom.js';

/** @typedef {import('./predictRequest.js').Evidence} Evidence */

/** A phrase as a RegExp source; with the u flag a needless escape (such as \-) is a syntax error, so only syntax characters. */
const regexSource = (/** @type {string} */ text) => text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');

/**
 * Where the evidence phrases stand in the plot's read part (before `readEnd`): every occurrence,
 * case-insensitively and as whole words (a word is a run of letters and digits, as the API reads it),
 * strongest phrase first; an occurrence that overlaps a stronger phrase's is left unmarked.
 * @param {string} plot @param {Evidence[]} evidence @param {number} readEnd
 * @returns {{ start: number, end: number, rank: number }[]} in plot order
 */
export function evidenceRanges(plot, evidence, readEnd) {
  /** @type {{ start: number, end: number, rank: number }[]} */
  const ranges = [];
  evidence.forEach(({ text }, rank) => {
    const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${regexSource(text)}(?![\\p{L}\\p{N}])`, 'giu');
    for (const match of plot.matchAll(pattern)) {
      const start = match.index;
      const end = start + match[0].length;
      if (end <= readEnd && !ranges.some((r) => start < r.end && r.start < end)) ranges.push({ start, end, rank });
    }
  });
  return ranges.sort((a, b) => a.start - b.start);
}

const weightText = (/** @type {number} */ w) => w.toFixed(2);

/**
 * Draws the plot with its evidence marked: text nodes and <mark>s built from strings, never HTML. Each mark
 * carries its rank as a visible number and, for screen readers, its rank and weight as text. The part the
 * model did not read (past `readEnd`) is dimmed.
 * @param {string} plot @param {Evidence[]} evidence @param {string} genre
 * @param {{ read: number, total: number, readEnd: number }} words
 */
export function showEvidence(plot, evidence, genre, words) {
  /** @type {(string | Node)[]} */
  const parts = [];
  let at = 0;
  for (const { start, end, rank } of evidenceRanges(plot, evidence, words.readEnd)) {
    const n = rank + 1;
    const weight = weightText(evidence[rank].weight);
    parts.push(
      plot.slice(at, start),
      el(
        'mark',
        { class: 'evidence-mark', 'data-rank': String(n), title: `Evidence ${n} for ${genre}: weight ${weight}` },
        el('span', { class: 'evidence-text', text: plot.slice(start, end) }),
        el('sup', { class: 'evidence-rank', 'aria-hidden': 'true', text: String(n) }),
        el('span', { class: 'visually-hidden', text: ` (evidence ${n}, weight ${weight})` }),
      ),
    );
    at = end;
  }
  const unread = words.read < words.total;
  parts.push(plot.slice(at, unread ? words.readEnd : undefined));
  if (unread) parts.push(el('span', { class: 'unread', text: plot.slice(words.readEnd) }));

  $('evidence-heading').textContent = `What in the plot points to ${genre}`;
  $('plot-evidence').replaceChildren(...parts);
  const wordsNote = $('plot-words');
  wordsNote.hidden = !unread;
  wordsNote.textContent = `The model read the first ${number.format(words.read)} of the plot's ${number.format(words.total)} words; the greyed end did not count.`;
  $('evidence-list').replaceChildren(
    ...evidence.map((e) => el('li', {}, el('q', { class: 'evidence-phrase', text: e.text }), ' ', el('span', { class: 'evidence-weight', text: `weight ${weightText(e.weight)}` }))),
  );
  $('evidence-note').textContent = `Numbered in the plot, strongest first. The weights compare the phrases: one with weight 2 pulled the plot towards ${genre} twice as hard as one with weight 1.`;
  $('evidence').hidden = evidence.length === 0;
}
