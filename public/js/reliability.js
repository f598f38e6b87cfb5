// The reliability diagram of "How it works": for the test movies grouped by the probability of their main
// genre, the share the model got right. Drawn as SVG, with the same figures in a table for screen readers.
import { $, el, number, percent } from './dom.js';

/**
 * One head's calibration in the evaluation report (src/shared/evaluationReport.ts `calibrationSchema`).
 * @typedef {{ ece: number, nll: number, bins: { from: number, to: number, count: number, confidence: number | null, accuracy: number | null }[] }} HeadCalibration
 */

const NS = 'http://www.w3.org/2000/svg';
/** @param {string} tag @param {Record<string, string | number>} attrs @param {...(Node | string)} children */
function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  node.append(...children);
  return node;
}

const W = 320;
const H = 250;
const PAD = { left: 44, right: 18, top: 10, bottom: 40 };
const x = (/** @type {number} */ p) => PAD.left + p * (W - PAD.left - PAD.right);
const y = (/** @type {number} */ p) => H - PAD.bottom - p * (H - PAD.top - PAD.bottom);
const pct = (/** @type {number} */ p) => `${Math.round(p * 100)}%`;
const points = (/** @type {number} */ p) => `${(p * 100).toFixed(1)} points`;

/** @param {HeadCalibration} calibration @param {string} summary */
function diagram(calibration, summary) {
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const filled = calibration.bins.filter((b) => b.count > 0 && b.accuracy !== null && b.confidence !== null);
  return svg(
    'svg',
    { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'reliability-title reliability-desc', class: 'reliability-svg' },
    svg('title', { id: 'reliability-title' }, 'Reliability diagram'),
    svg('desc', { id: 'reliability-desc' }, `${summary} The table below the diagram lists every group.`),
    ...ticks.flatMap((t) => [
      svg('line', { class: 'grid', x1: x(0), x2: x(1), y1: y(t), y2: y(t) }),
      svg('text', { class: 'tick', x: PAD.left - 6, y: y(t) + 4, 'text-anchor': 'end' }, pct(t)),
      svg('text', { class: 'tick', x: x(t), y: H - PAD.bottom + 16, 'text-anchor': 'middle' }, pct(t)),
    ]),
    ...filled.map((b) => {
      const [acc, conf] = [/** @type {number} */ (b.accuracy), /** @type {number} */ (b.confidence)];
      return svg(
        'g',
        { class: 'bin', 'data-from': b.from, 'data-accuracy': acc },
        svg('rect', { class: 'bar', x: x(b.from) + 1, width: x(b.to) - x(b.from) - 2, y: y(acc), height: y(0) - y(acc) }),
        svg('rect', { class: 'gap', x: x(b.from) + 1, width: x(b.to) - x(b.from) - 2, y: y(Math.max(acc, conf)), height: Math.abs(y(acc) - y(conf)) }),
        svg('title', {}, `${pct(b.from)}–${pct(b.to)}: ${number.format(b.count)} movies, average probability ${pct(conf)}, ${pct(acc)} right`),
      );
    }),
    svg('line', { class: 'diagonal', x1: x(0), y1: y(0), x2: x(1), y2: y(1) }),
    svg('text', { class: 'axis-title', x: x(0.5), y: H - 6, 'text-anchor': 'middle' }, 'Probability of the main genre'),
    svg('text', { class: 'axis-title', transform: `translate(12 ${y(0.5)}) rotate(-90)`, 'text-anchor': 'middle' }, 'Share right'),
  );
}

/** @param {HeadCalibration} calibration @param {string} headName */
function summaryOf(calibration, headName) {
  const filled = calibration.bins.filter((b) => b.count > 0 && b.accuracy !== null && b.confidence !== null);
  const total = filled.reduce((n, b) => n + b.count, 0) || 1;
  // Signed: above 0 the probabilities run higher than the share right (overconfident).
  const gap = filled.reduce((s, b) => s + (b.count * (/** @type {number} */ (b.confidence) - /** @type {number} */ (b.accuracy))), 0) / total;
  const direction = Math.abs(gap) < 0.005 ? 'overall they agree' : gap > 0 ? `overall its probabilities run ${points(gap)} higher than its share right` : `overall its probabilities run ${points(-gap)} lower than its share right`;
  return `${headName}: within a group, the probability and the share right differ by ${points(calibration.ece)} on average (expected calibration error ${calibration.ece.toFixed(3)}); ${direction}.`;
}

/**
 * Shows the diagram and its table for one head, or hides the block when the report has no calibration.
 * @param {HeadCalibration | undefined} calibration @param {string} headName
 */
export function showReliability(calibration, headName) {
  const block = $('calibration-block');
  block.hidden = !calibration;
  if (!calibration) return;
  const summary = summaryOf(calibration, headName);
  $('reliability-chart').replaceChildren(diagram(calibration, summary));
  $('calibration-summary').textContent = summary;
  const dash = '—';
  /** @type {HTMLTableElement} */ ($('calibration-table')).tBodies[0].replaceChildren(
    ...calibration.bins.map((b) =>
      el(
        'tr',
        {},
        el('th', { scope: 'row', text: `${pct(b.from)}–${pct(b.to)}` }),
        el('td', { text: number.format(b.count) }),
        el('td', { text: b.confidence === null ? dash : percent(b.confidence) }),
        el('td', { text: b.accuracy === null ? dash : percent(b.accuracy) }),
      ),
    ),
  );
}
