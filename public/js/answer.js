// The answer panel: the answer to a classify (main genre, warnings, the seven genres, the genre tags, the plot's
// evidence, details), or an error in plain words; either is brought into view and focused.
import { wordSpans } from '/plot-text.js';
import { $, el, number, percent, reveal } from './dom.js';
import { showEvidence } from './evidence.js';
import { HEAD_NAMES, HEAD_OF_INPUT } from './heads.js';

/** @typedef {import('./predictRequest.js').Prediction} Prediction */
/** @typedef {import('./errorText.js').ErrorText} ErrorText */
/** @typedef {{ id: number, title: string, year: number | null, genre: string, plot: string, posterUrl: string }} Example */

/** The genres named for Others: the evaluation reports how often its top 3 holds one of the movie's own (`othersTop3`). */
const OTHERS_NAMED = 3;
const TAGS_SHOWN = 5;
const INPUT_WORDS = { 'plot+poster': 'the plot and the poster', plot: 'the plot', poster: 'the poster' };

const output = $('output');
const statusLine = $('status');
const errorBox = $('error');
const placeholder = $('placeholder');
const result = $('result');

/** @param {string} text */
export const setStatus = (text) => (statusLine.textContent = text);

/** @param {boolean} busy */
export function setAnswerBusy(busy) {
  if (busy) result.setAttribute('aria-busy', 'true');
  else result.removeAttribute('aria-busy');
}

/** Back to the empty panel. */
export function clearOutput() {
  clearError();
  result.hidden = true;
  placeholder.hidden = false;
  setStatus('');
}

export function clearError() {
  errorBox.hidden = true;
  errorBox.replaceChildren();
  placeholder.hidden = !result.hidden;
}

/**
 * An error in the visitor's words, with the API's code and message only under "Technical details", and an
 * optional button that fixes it. It replaces any earlier answer (which would read as the answer to this input).
 * @param {ErrorText & { status?: number, code?: string, message?: string, action?: { label: string, run: () => void } }} shown
 */
export function showError(shown) {
  const technical = [shown.status && `HTTP ${shown.status}`, shown.code].filter(Boolean).join(' · ');
  const action = shown.action;
  const parts = [
    el('p', { id: 'error-title', class: 'error-title', text: shown.title }),
    el('p', { id: 'error-advice', class: 'error-advice', text: shown.advice }),
    action && el('button', { type: 'button', class: 'secondary error-action', text: action.label, onclick: action.run }),
    (technical || shown.message) &&
      el(
        'details',
        { class: 'error-details' },
        el('summary', { text: 'Technical details' }),
        technical && el('p', { class: 'error-code', text: technical }),
        shown.message && el('p', { class: 'error-message', text: shown.message }),
      ),
  ];
  errorBox.replaceChildren(...parts.filter((part) => part instanceof Node));
  errorBox.hidden = false;
  placeholder.hidden = true;
  result.hidden = true;
  setStatus('');
  reveal(errorBox, output);
}

/** The TMDB genres merged into Others, most likely first: those that are not one of the seven. @param {Prediction} p */
const othersGenres = (p) => {
  const seven = new Set(p.genres.map((g) => g.genre));
  return p.tmdbGenres.filter((g) => !seven.has(g.genre)).map((g) => g.genre);
};

/** @param {Prediction} prediction @param {any} modelInfo GET /model, once it answered */
function showMainGenre(prediction, modelInfo) {
  const top = prediction.genres[0];
  $('top-genre').textContent = top.genre;
  $('top-probability').textContent = percent(top.probability);
  const merged = othersGenres(prediction);
  const others = top.genre === 'Others' ? merged.slice(0, OTHERS_NAMED) : [];
  const othersDetail = $('others-detail');
  othersDetail.textContent = `— most likely ${others.join(', ')}`;
  othersDetail.hidden = others.length === 0;
  const head = HEAD_OF_INPUT[prediction.modalities.join('+')];
  const othersTop3 = modelInfo?.report?.othersTop3?.[head];
  const othersHint = $('others-hint');
  othersHint.textContent = othersTop3
    ? `Others stands for ${merged.length} TMDB genres. On the test split's ${number.format(othersTop3.movies)} Others movies, the three most likely of them held one of the movie's own genres ${percent(othersTop3.hitRate)} of the time (${HEAD_NAMES[head].toLowerCase()} model).`
    : '';
  othersHint.hidden = others.length === 0 || !othersTop3;

  // The API's own words: they are written for the person who asked.
  $('warning-list').replaceChildren(...prediction.warnings.map((w) => el('li', { 'data-code': w.code, text: w.message })));
  const warned = prediction.warnings.length > 0;
  $('warnings').hidden = !warned;
  // Read with the main genre when the answer takes focus.
  if (warned) $('answer').setAttribute('aria-describedby', 'warnings');
  else $('answer').removeAttribute('aria-describedby');

  $('bars').replaceChildren(
    ...prediction.genres.map((g, i) => {
      const fill = el('span', { class: 'bar-fill' });
      // Set after insertion so the width animates from 0.
      requestAnimationFrame(() => (fill.style.width = `${(g.probability * 100).toFixed(2)}%`));
      return el(
        'li',
        { class: i === 0 ? 'bar top' : 'bar', 'data-genre': g.genre, 'data-probability': String(g.probability) },
        el('span', { class: 'bar-genre', text: g.genre }),
        el('span', { class: 'bar-track', 'aria-hidden': 'true' }, fill),
        el('span', { class: 'bar-value', text: percent(g.probability) }),
      );
    }),
  );
}

/**
 * The likeliest TMDB tags, each with its own 0-100% scale; and, when the likeliest tag is one of the seven
 * genres but not the main one, why that is no contradiction.
 * @param {Prediction} prediction
 */
function showTags(prediction) {
  const tags = prediction.tmdbGenres.slice(0, TAGS_SHOWN);
  $('tmdb-genres').replaceChildren(
    ...tags.map((g) => {
      const meter = el('span', { class: 'tag-meter', 'aria-hidden': 'true' }, el('span', { class: 'tag-fill' }));
      /** @type {HTMLElement} */ (meter.firstChild).style.width = `${(g.probability * 100).toFixed(1)}%`;
      return el('li', { 'data-genre': g.genre }, el('span', { class: 'tmdb-genre', text: g.genre }), ' ', el('span', { class: 'tmdb-value', text: percent(g.probability) }), meter);
    }),
  );
  const main = prediction.genres[0].genre;
  const firstTag = tags[0]?.genre;
  const contrast = $('tmdb-contrast');
  contrast.hidden = !firstTag || firstTag === main || !prediction.genres.some((g) => g.genre === firstTag);
  contrast.textContent = `${firstTag} is the likeliest tag but not the main genre: each tag is judged on its own, while the main genre is the one of the seven that fits best against the other six.`;
}

/** @param {Prediction} prediction @param {number} roundTripMs @param {{ read: number, total: number } | undefined} words */
function showDetails(prediction, roundTripMs, words) {
  const t = prediction.timings;
  const server = t.cached
    ? 'the server read it from its answer cache (the same input was classified before)'
    : `the server took ${t.totalMs} ms (reading the input ${t.decodeMs} ms, the models ${t.modelMs} ms${t.loadMs > 0 ? `, loading the models ${t.loadMs} ms` : ''})`;
  const fact = (/** @type {string} */ term, /** @type {(string | Node)[]} */ ...value) => [el('dt', { text: term }), el('dd', {}, ...value)];
  $('answer-facts').replaceChildren(
    ...fact('Based on', INPUT_WORDS[prediction.modalities.join('+')]),
    ...(words ? fact('Plot', words.read === words.total ? `${number.format(words.total)} words, all read` : `${number.format(words.total)} words, the first ${number.format(words.read)} read`) : []),
    ...fact('Model version', el('code', { id: 'model-version', text: prediction.modelVersion })),
    ...fact('Time', el('span', { id: 'latency', text: `${Math.round(roundTripMs)} ms` }), ` from Classify to answer; ${server}.`),
  );
}

/**
 * @param {Prediction} prediction
 * @param {{ plot: string, roundTripMs: number, example: Example | null, modelInfo: any }} context the plot as sent
 */
export function showAnswer(prediction, { plot, roundTripMs, example, modelInfo }) {
  const top = prediction.genres[0];
  showMainGenre(prediction, modelInfo);
  showTags(prediction);

  const words = prediction.plotWords;
  // Always redrawn, so that no earlier plot's evidence stays in the (hidden) block.
  const spans = words && words.read < words.total ? wordSpans(plot) : [];
  const readEnd = spans[(words?.read ?? 0) - 1]?.end ?? plot.length;
  showEvidence(plot, prediction.evidence?.plot ?? [], top.genre, { read: words?.read ?? 0, total: words?.total ?? 0, readEnd });

  const truth = $('truth');
  truth.hidden = !example;
  if (example) {
    const match = example.genre === top.genre;
    truth.replaceChildren(`The dataset files “${example.title}” under ${example.genre}: `, el('span', { class: match ? 'match' : 'miss', text: match ? 'the model agrees.' : 'the model disagrees.' }));
  }
  showDetails(prediction, roundTripMs, words);

  placeholder.hidden = true;
  result.hidden = false;
  setStatus('');
  reveal($('answer'), output);
}
