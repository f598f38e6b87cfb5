// The plot box: its character counter, and the rule that a plot over the API's limit is not sent.
// The limit and the way of counting come from the API itself (GET /plot-text.js, src/shared/plotText.ts).
import { PLOT_MAX_CHARS, plotLength } from '/plot-text.js';
import { $, number } from './dom.js';

const input = /** @type {HTMLTextAreaElement} */ ($('plot'));
const counter = $('plot-count');

export const plotMaxChars = PLOT_MAX_CHARS;

/** The plot as it will be sent: trimmed, as the API trims it. */
export const plotText = () => input.value.trim();

/** The plot's length as the API counts it. */
export const plotChars = () => plotLength(input.value);

export const plotTooLong = () => plotChars() > PLOT_MAX_CHARS;

export function updateCount() {
  const n = plotChars();
  const over = n - PLOT_MAX_CHARS;
  counter.textContent = `${number.format(n)} / ${number.format(PLOT_MAX_CHARS)}${over > 0 ? ` (${number.format(over)} over)` : ''}`;
  counter.classList.toggle('over', over > 0);
  if (over > 0) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
}

/** @param {string} text */
export function setPlot(text) {
  input.value = text;
  updateCount();
}

/**
 * Cuts the plot to its first PLOT_MAX_CHARS characters (as the API counts them), back to the end of the last
 * whole word when the cut falls inside one.
 */
export function keepPlotStart() {
  // Code points of the trimmed text, as plotLength counts them (a text box's line breaks are already LF).
  const chars = [...input.value.trim()];
  let kept = chars.slice(0, PLOT_MAX_CHARS).join('');
  const cutInWord = /[\p{L}\p{N}]$/u.test(kept) && /^[\p{L}\p{N}]/u.test(chars[PLOT_MAX_CHARS] ?? '');
  // A plot that is one endless word keeps the cut as it falls.
  if (cutInWord && /[^\p{L}\p{N}]/u.test(kept)) kept = kept.replace(/[\p{L}\p{N}]+$/u, '');
  setPlot(kept.trimEnd());
}

/** @param {() => void} onEdit called on every change the user makes @param {() => void} onSubmitKey Ctrl/Cmd+Enter */
export function initPlotField(onEdit, onSubmitKey) {
  input.addEventListener('input', () => {
    onEdit();
    updateCount();
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      onSubmitKey();
    }
  });
  updateCount();
}

export const focusPlot = () => input.focus();
