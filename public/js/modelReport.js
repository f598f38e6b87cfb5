// "How it works": the published model's settings and its test-split figures (GET /model and its `report`):
// the metrics table, and for the model chosen, the confusion matrix and the reliability diagram; the poster
// model's accuracy per poster collection.
import { $, countWord, el, fill, listOf, number, percent } from './dom.js';
import { HEAD_NAMES } from './heads.js';
import { showReliability } from './reliability.js';

/** One head's figures in the evaluation report (src/shared/evaluationReport.ts), as GET /model gives it in `report`.
 * @typedef {{ count: number, accuracy: number, balancedAccuracy: number, macroF1: number, confusion: number[][],
 *   bySource?: Record<string, { count: number, accuracy: number }> }} HeadMetrics */

/** The dataset's `poster_source` ids (../shared/README.md), in words. */
const POSTER_COLLECTIONS = {
  perceptilabs: 'PerceptiLabs’ poster set (mostly comedies and dramas)',
  nickwood5: 'A poster-classifier project on GitHub',
  ml1m_liangf: 'MovieLens 1M posters',
  ml100k_sadhana937: 'MovieLens 100K posters',
};

/** Abbreviation of a genre in the confusion matrix on phones: Act, Ani, Com, … */
const short = (/** @type {string} */ genre) => genre.slice(0, 3);
const fixed3 = (/** @type {number} */ x) => x.toFixed(3);

/** @param {HeadMetrics} m @param {string[]} labels the genres, in the matrix's order */
function renderConfusion(m, labels) {
  const matrix = m.confusion ?? [];
  const head = el(
    'thead',
    {},
    el(
      'tr',
      {},
      el('th', { class: 'corner axis', scope: 'col' }, el('span', { class: 'long', text: 'true ↓ / predicted →' }), el('span', { class: 'short', 'aria-hidden': 'true', text: 'true ↓' })),
      ...labels.map((g) => el('th', { scope: 'col', title: g }, el('span', { 'aria-hidden': 'true', text: short(g) }), el('span', { class: 'visually-hidden', text: `predicted ${g}` }))),
    ),
  );
  const body = el(
    'tbody',
    {},
    ...matrix.map((row, i) => {
      const total = row.reduce((a, b) => a + b, 0) || 1;
      return el(
        'tr',
        {},
        el('th', { scope: 'row', title: labels[i] }, el('span', { class: 'long', text: labels[i] }), el('span', { class: 'short', 'aria-hidden': 'true', text: short(labels[i]) })),
        ...row.map((n, j) => {
          const share = n / total;
          const cell = el('td', {
            class: [share > 0.45 ? 'dark' : '', i === j ? 'diagonal' : ''].filter(Boolean).join(' '),
            title: `True ${labels[i]}, predicted ${labels[j]}: ${n} (${percent(share)} of ${labels[i]})`,
            text: String(n),
          });
          cell.style.backgroundColor = `rgba(var(--heat), ${(0.06 + share * 0.94).toFixed(3)})`;
          return cell;
        }),
      );
    }),
  );
  const caption = el('caption', { class: 'visually-hidden', text: 'Confusion matrix: rows are true genres, columns predicted genres, cells are movie counts' });
  /** @type {HTMLTableElement} */ ($('confusion')).replaceChildren(caption, head, body);
}

/** The confusion matrix and the reliability diagram of one head. @param {any} report @param {string} key @param {string[]} labels */
function showHead(report, key, labels) {
  renderConfusion(report[key], labels);
  $('confusion-heading').textContent = `Confusion matrix: ${HEAD_NAMES[key].toLowerCase()}`;
  $('confusion-block').hidden = false;
  showReliability(report.calibration?.[key], HEAD_NAMES[key]);
}

/** @param {Record<string, { count: number, accuracy: number }>} bySource */
function showSources(bySource) {
  const sources = Object.entries(bySource);
  $('sources-block').hidden = sources.length === 0;
  $('sources-note').textContent = `The test split's posters come from ${countWord(sources.length)} collections with different styles and genre mixes; a poster model can learn to recognise the collection instead of the genre.`;
  /** @type {HTMLTableElement} */ ($('sources')).tBodies[0].replaceChildren(
    ...sources.map(([source, s]) =>
      el('tr', { 'data-source': source }, el('th', { scope: 'row', text: POSTER_COLLECTIONS[source] ?? source }), el('td', { text: number.format(s.count) }), el('td', { text: fixed3(s.accuracy) })),
    ),
  );
}

/** GET /model: the sizes the models read, and the test-split figures of its evaluation report. */
function renderEvaluation(info) {
  const status = $('model-status');
  const version = info.version;
  $('footer-model').replaceChildren('Models ', el('code', { text: version }), `, trained ${info.createdAt.slice(0, 10)}.`);
  fill({ genres: listOf(info.labels), imageSize: `${info.image.width}×${info.image.height}`, maxWords: number.format(info.maxWords), beta: String(info.decisionRule.beta) });
  const report = info.report;
  if (!report) {
    status.textContent = `Model ${version}: no evaluation report was published with it.`;
    return;
  }
  status.textContent = '';
  $('evaluation-lead').textContent = `Model ${version}, evaluated on the held-out test split (${number.format(report.movies)} movies) with the exported ONNX models, the same preprocessing as this Worker.`;
  const keys = Object.keys(HEAD_NAMES);
  /** @type {HTMLTableElement} */ ($('metrics-table')).tBodies[0].replaceChildren(
    ...keys.map((key) => {
      /** @type {HeadMetrics} */
      const m = report[key];
      return el(
        'tr',
        { 'data-head': key },
        el('th', { scope: 'row', text: HEAD_NAMES[key] }),
        el('td', { class: 'n', text: number.format(m.count) }),
        el('td', { text: fixed3(m.accuracy) }),
        el('td', { text: fixed3(m.balancedAccuracy) }),
        el('td', { text: fixed3(m.macroF1) }),
      );
    }),
  );

  const group = $('head-choice');
  const legend = group.querySelector('legend');
  group.replaceChildren(
    ...(legend ? [legend] : []),
    ...keys.map((key, i) => {
      const input = el('input', { type: 'radio', name: 'head-choice', value: key, checked: i === 0 });
      input.addEventListener('change', () => showHead(report, key, info.labels));
      return el('label', {}, input, HEAD_NAMES[key]);
    }),
  );
  showHead(report, keys[0], info.labels);
  showSources(report.image.bySource ?? {});
  $('evaluation').hidden = false;
}

/** Loads GET /model and fills "How it works"; resolves with it, or with null when it is unavailable. */
export async function loadModelReport() {
  const status = $('model-status');
  try {
    const res = await fetch('/model');
    const json = await res.json().catch(() => undefined);
    if (!res.ok || !json?.version) throw new Error(json?.error?.message ?? `HTTP ${res.status}`);
    renderEvaluation(json);
    return json;
  } catch {
    status.textContent = 'The model’s figures could not be loaded. Reload the page to try again.';
    return null;
  }
}
