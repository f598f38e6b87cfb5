// The genre classifier page: plain ES module, no build step, no dependencies.
// It talks to the same Worker that serves it: POST /predict, GET /examples, GET /model, and counts a plot
// with the API's own function (GET /plot-text.js, made from src/shared/plotText.ts).
import { PLOT_MAX_CHARS, plotLength } from '/plot-text.js';

/** @typedef {{ genre: string, probability: number }} RankedGenre */
/** @typedef {{ text: string, weight: number }} Evidence */
/** @typedef {{ genres: RankedGenre[], top: RankedGenre, tmdbGenres: RankedGenre[], evidence?: { plot: Evidence[] },
 *   modalities: string[], modelVersion: string, plotWords?: { read: number, total: number },
 *   timings: { loadMs: number, decodeMs: number, modelMs: number, totalMs: number } }} Prediction */
/** @typedef {{ id: number, title: string, year: number | null, genre: string, plot: string, posterUrl: string }} Example */
/** One head's figures in the evaluation report (src/shared/evaluationReport.ts), as GET /model gives it in `report`.
 * @typedef {{ count: number, accuracy: number, balancedAccuracy: number, macroF1: number, confusion: number[][],
 *   perClass: Record<string, { precision: number, recall: number, f1: number, support: number }>,
 *   bySource?: Record<string, { count: number, accuracy: number }> }} HeadMetrics */

const HEAD_NAMES = { fusion: 'Plot + poster', text: 'Plot only', image: 'Poster only' };
/** The head that answers for each input, as the API picks it. */
const HEAD_OF_INPUT = { 'plot+poster': 'fusion', plot: 'text', poster: 'image' };
/** The genres named for Others: the evaluation reports how often its top 3 holds one of the movie's own (`othersTop3`). */
const OTHERS_NAMED = 3;
const TMDB_SHOWN = 5;
/** Abbreviation of a genre in the confusion matrix on phones: Act, Ani, Com, … */
const short = (/** @type {string} */ genre) => genre.slice(0, 3);

/** Percent text used everywhere a probability is shown (the browser test formats the API's JSON the same way). */
export const percent = (p) => `${(p * 100).toFixed(1)}%`;
const fixed3 = (/** @type {number} */ x) => x.toFixed(3);
const number = new Intl.NumberFormat('en');

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const el = (tag, props = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('data-') || k.startsWith('aria-') || k === 'role' || k === 'scope' || k === 'title') node.setAttribute(k, v);
    else node[k] = v;
  }
  node.append(...children.filter((c) => c !== undefined && c !== null));
  return node;
};

/** Fills each `[data-fill="name"]` with its value. @param {Record<string, string>} values */
function fill(values) {
  for (const node of document.querySelectorAll('[data-fill]')) node.textContent = values[node.dataset.fill] ?? node.textContent;
}

/** "Action, Animation and Others" @param {string[]} names */
const listOf = (names) => `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;

const form = /** @type {HTMLFormElement} */ ($('classify-form'));
const plotInput = /** @type {HTMLTextAreaElement} */ ($('plot'));
const plotCount = $('plot-count');
const posterInput = /** @type {HTMLInputElement} */ ($('poster'));
const dropZone = $('drop-zone');
const preview = /** @type {HTMLImageElement} */ ($('poster-preview'));
const dropText = $('drop-text');
const posterName = $('poster-name');
const posterClear = $('poster-clear');
const tokenInput = /** @type {HTMLInputElement} */ ($('token'));
const tokenDetails = /** @type {HTMLDetailsElement} */ ($('token-details'));
const classifyButton = /** @type {HTMLButtonElement} */ ($('classify'));
const statusLine = $('status');
const errorBox = $('error');
const placeholder = $('placeholder');
const result = $('result');

/** The poster to send: from the file picker, a drop, a paste or an example. */
/** @type {File | null} */
let poster = null;
let previewUrl = '';
/** The example that filled the form, until the user edits it. */
/** @type {Example | null} */
let currentExample = null;
/** The running classify; also the busy flag. */
/** @type {AbortController | null} */
let inFlight = null;
/** The example whose poster is downloading; a newer click, Classify, Clear or an edit abandons it. */
/** @type {AbortController | null} */
let exampleLoad = null;
/** GET /model, once it answered: input sizes and the evaluation figures. */
let modelInfo = null;

function cancelExample() {
  exampleLoad?.abort();
  exampleLoad = null;
}

/** The user changed the form: it no longer holds an example, and a slow example must not overwrite it. */
function formEdited() {
  currentExample = null;
  cancelExample();
}

// ---------------------------------------------------------------- plot

function updateCount() {
  const n = plotLength(plotInput.value);
  plotCount.textContent = `${number.format(n)} / ${number.format(PLOT_MAX_CHARS)}`;
  plotCount.classList.toggle('over', n > PLOT_MAX_CHARS);
}
plotInput.addEventListener('input', () => {
  formEdited();
  updateCount();
});
plotInput.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    form.requestSubmit();
  }
});

// ---------------------------------------------------------------- poster

/** The drop zone's own words, also after a file the browser could not preview is removed. */
function showDropHint() {
  dropText.replaceChildren(el('strong', { text: 'Choose a poster' }), el('span', { text: 'or drop / paste an image here' }));
}

/** @param {File | null} file */
function setPoster(file) {
  poster = file;
  if (previewUrl) URL.revokeObjectURL(previewUrl);
  previewUrl = '';
  if (!file) {
    preview.hidden = true;
    preview.removeAttribute('src');
    dropText.hidden = false;
    showDropHint();
    dropZone.classList.remove('has-poster');
    posterName.textContent = 'No poster chosen.';
    posterClear.hidden = true;
    posterInput.value = '';
    return;
  }
  previewUrl = URL.createObjectURL(file);
  preview.alt = `Preview of ${file.name || 'the poster'}`;
  preview.src = previewUrl;
  preview.hidden = false;
  dropText.hidden = true;
  dropZone.classList.add('has-poster');
  posterName.textContent = posterLabel(file);
  posterClear.hidden = false;
}

preview.addEventListener('error', () => {
  // Not an image the browser can show: keep it anyway, the API gives the authoritative answer.
  if (!poster) return;
  preview.hidden = true;
  dropText.hidden = false;
  dropText.replaceChildren(el('strong', { text: 'No preview' }), el('span', { text: 'the browser cannot show this file' }));
});
preview.addEventListener('load', showDropHint);

/**
 * Posters over this many pixels are scaled down in the browser before upload: the API refuses more than
 * 2,000,000 (decoding memory in the Worker), and the model only sees 224x224 anyway.
 */
const UPLOAD_MAX_PIXELS = 1_000_000;

/**
 * The poster as it will be uploaded: the file itself, or a JPEG of it scaled to UPLOAD_MAX_PIXELS,
 * flattened on white as the API does with transparency.
 * @param {File} file
 * @returns {Promise<{ blob: Blob, scaledTo?: string }>}
 */
async function posterForUpload(file) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return { blob: file }; // not an image this browser decodes: the API gives the authoritative answer
  }
  const scale = Math.sqrt(UPLOAD_MAX_PIXELS / (bitmap.width * bitmap.height));
  if (scale >= 1) {
    bitmap.close();
    return { blob: file };
  }
  const width = Math.max(1, Math.floor(bitmap.width * scale));
  const height = Math.max(1, Math.floor(bitmap.height * scale));
  const canvas = new OffscreenCanvas(width, height);
  const context = /** @type {OffscreenCanvasRenderingContext2D} */ (canvas.getContext('2d'));
  context.fillStyle = '#fff';
  context.fillRect(0, 0, width, height);
  context.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  return { blob: await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.92 }), scaledTo: `${width}×${height}` };
}

/** @param {File} file @param {string} [scaledTo] */
const posterLabel = (file, scaledTo) => `${file.name || 'pasted image'} (${formatBytes(file.size)})${scaledTo ? `, sent scaled to ${scaledTo}` : ''}`;

const formatBytes = (n) => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(0)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);

posterInput.addEventListener('change', () => {
  formEdited();
  setPoster(posterInput.files?.[0] ?? null);
});
posterClear.addEventListener('click', () => {
  formEdited();
  setPoster(null);
  posterInput.focus();
});

/** @param {DragEvent} e */
function onDragOver(e) {
  if (!e.dataTransfer?.types.includes('Files')) return;
  e.preventDefault();
  e.dataTransfer.dropEffect = 'copy';
  dropZone.classList.add('dragging');
}
dropZone.addEventListener('dragenter', onDragOver);
dropZone.addEventListener('dragover', onDragOver);
for (const type of ['dragleave', 'dragend']) dropZone.addEventListener(type, () => dropZone.classList.remove('dragging'));
dropZone.addEventListener('drop', (e) => {
  e.preventDefault();
  dropZone.classList.remove('dragging');
  const file = e.dataTransfer?.files?.[0];
  if (file) {
    formEdited();
    setPoster(file);
  }
});
// A file dropped next to the zone should not navigate away from the page.
window.addEventListener('dragover', (e) => e.preventDefault());
window.addEventListener('drop', (e) => e.preventDefault());

document.addEventListener('paste', (e) => {
  const file = [...(e.clipboardData?.files ?? [])].find((f) => f.type.startsWith('image/'));
  if (file) {
    e.preventDefault();
    formEdited();
    setPoster(file);
  }
});

// ---------------------------------------------------------------- classify

function setStatus(text) {
  statusLine.textContent = text;
}

/** @param {string} message @param {string} [code] @param {number} [status] */
function showError(message, code, status) {
  const details = [status && `HTTP ${status}`, code].filter(Boolean).join(' · ');
  const title = !status ? 'Something went wrong' : status >= 500 ? 'The API could not answer' : 'The API rejected the input';
  errorBox.replaceChildren(
    el('p', { class: 'error-title', text: title }),
    el('p', { class: 'error-message', text: message }),
    details ? el('p', { class: 'error-code', text: details }) : '',
  );
  errorBox.hidden = false;
  placeholder.hidden = true;
  // The error is about the newest input: a result for older input beside it would read as its answer.
  result.hidden = true;
}
function clearError() {
  errorBox.hidden = true;
  errorBox.replaceChildren();
  placeholder.hidden = !result.hidden;
}

/**
 * The TMDB genres merged into Others, most likely first: those that are not one of the classes the answer ranks.
 * @param {Prediction} prediction
 */
function othersGenres(prediction) {
  const classes = new Set(prediction.genres.map((g) => g.genre));
  return prediction.tmdbGenres.filter((g) => !classes.has(g.genre)).map((g) => g.genre);
}

/** A phrase as a RegExp source; with the u flag a needless escape (such as \-) is a syntax error, so only syntax characters. */
const regexSource = (/** @type {string} */ text) => text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');

/**
 * Where the evidence phrases stand in the plot: every occurrence, case-insensitively and as whole words (a
 * word is a run of letters and digits, as the API reads it), strongest phrase first; an occurrence that
 * overlaps a stronger phrase's is left unmarked.
 * @param {string} plot @param {Evidence[]} evidence
 * @returns {{ start: number, end: number, rank: number }[]} in plot order
 */
function evidenceRanges(plot, evidence) {
  /** @type {{ start: number, end: number, rank: number }[]} */
  const ranges = [];
  evidence.forEach(({ text }, rank) => {
    const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${regexSource(text)}(?![\\p{L}\\p{N}])`, 'giu');
    for (const match of plot.matchAll(pattern)) {
      const start = match.index;
      const end = start + match[0].length;
      if (!ranges.some((r) => start < r.end && r.start < end)) ranges.push({ start, end, rank });
    }
  });
  return ranges.sort((a, b) => a.start - b.start);
}

const weightText = (/** @type {number} */ w) => w.toFixed(2);

/**
 * The plot as sent, with its evidence marked: text nodes and <mark>s built from strings, never HTML. Each mark
 * carries its rank as a visible number and, for screen readers, its rank and weight as text.
 * @param {string} plot @param {Evidence[]} evidence @param {string} genre
 */
function showEvidence(plot, evidence, genre) {
  /** @type {(string | Node)[]} */
  const parts = [];
  let at = 0;
  for (const { start, end, rank } of evidenceRanges(plot, evidence)) {
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
  parts.push(plot.slice(at));
  $('evidence-heading').textContent = `What in the plot points to ${genre}`;
  $('plot-evidence').replaceChildren(...parts);
  $('evidence-list').replaceChildren(
    ...evidence.map((e) => el('li', {}, el('q', { class: 'evidence-phrase', text: e.text }), ' ', el('span', { class: 'evidence-weight', text: `weight ${weightText(e.weight)}` }))),
  );
  $('evidence-note').textContent = `Numbered in the plot, strongest first. A weight is how much the phrase raised the plot model's score for ${genre} (its share of that score, in logits).`;
}

/** @param {Prediction} prediction @param {number} roundTripMs @param {string} plot the plot as sent */
function showPrediction(prediction, roundTripMs, plot) {
  const top = prediction.genres[0];
  $('top-genre').textContent = top.genre;
  $('top-probability').textContent = percent(top.probability);
  const merged = othersGenres(prediction);
  const others = top.genre === 'Others' ? merged.slice(0, OTHERS_NAMED) : [];
  const othersDetail = $('others-detail');
  othersDetail.textContent = `— most likely ${others.join(', ')}`;
  othersDetail.hidden = others.length === 0;
  const othersHint = $('others-hint');
  const head = HEAD_OF_INPUT[prediction.modalities.join('+')];
  const othersTop3 = modelInfo?.report?.othersTop3?.[head];
  othersHint.textContent = othersTop3
    ? `Others stands for ${merged.length} TMDB genres. On the test split's ${number.format(othersTop3.movies)} Others movies, the three most likely of them held one of the movie's own genres ${percent(othersTop3.hitRate)} of the time (${HEAD_NAMES[head].toLowerCase()} model).`
    : '';
  othersHint.hidden = others.length === 0 || !othersTop3;

  const bars = $('bars');
  bars.replaceChildren(
    ...prediction.genres.map((g, i) => {
      const fill = el('span', { class: 'bar-fill' });
      const row = el(
        'li',
        { class: i === 0 ? 'bar top' : 'bar', 'data-genre': g.genre, 'data-probability': String(g.probability) },
        el('span', { class: 'bar-genre', text: g.genre }),
        el('span', { class: 'bar-track', 'aria-hidden': 'true' }, fill),
        el('span', { class: 'bar-value', text: percent(g.probability) }),
      );
      // Set after insertion so the width animates from 0.
      requestAnimationFrame(() => (fill.style.width = `${(g.probability * 100).toFixed(2)}%`));
      return row;
    }),
  );
  $('tmdb-genres').replaceChildren(
    ...prediction.tmdbGenres.slice(0, TMDB_SHOWN).map((g) =>
      el('li', { 'data-genre': g.genre }, el('span', { class: 'tmdb-genre', text: g.genre }), ' ', el('span', { class: 'tmdb-value', text: percent(g.probability) })),
    ),
  );

  const evidence = prediction.evidence?.plot ?? [];
  // Always redrawn, so that no earlier plot's evidence stays in the (hidden) block.
  showEvidence(plot, evidence, top.genre);
  $('evidence').hidden = evidence.length === 0;
  const words = prediction.plotWords;
  const plotWords = $('plot-words');
  plotWords.hidden = !words || words.read === words.total;
  if (words) plotWords.textContent = `The model read the first ${number.format(words.read)} of the plot's ${number.format(words.total)} words; the rest did not count.`;

  const truth = $('truth');
  if (currentExample) {
    const match = currentExample.genre === top.genre;
    truth.replaceChildren(
      `Dataset label of “${currentExample.title}”: ${currentExample.genre} `,
      el('span', { class: match ? 'match' : 'miss', text: match ? '(match)' : '(different)' }),
    );
    truth.hidden = false;
  } else {
    truth.hidden = true;
  }

  const t = prediction.timings;
  const inputs = prediction.modalities.join(' + ');
  const serverParts = [`decode ${t.decodeMs}`, `model ${t.modelMs}`];
  if (t.loadMs > 0) serverParts.push(`model load ${t.loadMs}`);
  $('result-meta').replaceChildren(
    `From ${inputs}${words ? ` (${number.format(words.total)} words)` : ''} · model `,
    el('code', { id: 'model-version', text: prediction.modelVersion }),
    ` · `,
    el('span', { id: 'latency', text: `${Math.round(roundTripMs)} ms` }),
    ` round trip (server ${t.totalMs} ms: ${serverParts.join(', ')} ms)`,
  );
  placeholder.hidden = true;
  result.hidden = false;
  const topText = others.length ? `${top.genre} (most likely ${others.join(', ')})` : top.genre;
  setStatus(`Top genre: ${topText}, ${percent(top.probability)}. Then ${prediction.genres
    .slice(1, 3)
    .map((g) => `${g.genre} ${percent(g.probability)}`)
    .join(', ')}.`);
}

/**
 * While busy the button keeps focus (aria-disabled, not disabled: a disabled button drops keyboard
 * focus to the body) and says so; the submit handler ignores it.
 * @param {boolean} busy
 */
function setBusy(busy) {
  for (const [node, name] of [[classifyButton, 'aria-disabled'], [form, 'aria-busy'], [result, 'aria-busy']]) {
    if (busy) node.setAttribute(name, 'true');
    else node.removeAttribute(name);
  }
  classifyButton.textContent = busy ? 'Classifying…' : 'Classify';
}

function showTokenField() {
  tokenDetails.open = true;
  tokenInput.focus();
}

async function classify() {
  cancelExample();
  inFlight?.abort();
  const controller = new AbortController();
  inFlight = controller;
  clearError();
  setBusy(true);
  setStatus('Classifying…');
  try {
    const token = tokenInput.value.trim();
    // Headers throws on a value that is not Latin-1 (a zero-width space pasted with the token, say).
    if (/[^\x20-\x7e]/.test(token)) {
      showError('The token contains characters that cannot be sent in a header: a bearer token is plain ASCII (an invisible character may have been copied with it).');
      setStatus('');
      showTokenField();
      return;
    }
    const headers = new Headers({ accept: 'application/json' });
    if (token) headers.set('authorization', `Bearer ${token}`);

    const body = new FormData();
    const plot = plotInput.value.trim();
    if (plot) body.append('plot', plot);
    // Scaling a phone photo takes a while: the user may remove the poster or start another request meanwhile.
    const file = poster;
    if (file) {
      const upload = await posterForUpload(file);
      if (controller !== inFlight) return;
      body.append('poster', upload.blob, file.name || 'poster');
      if (poster === file) posterName.textContent = posterLabel(file, upload.scaledTo);
    }

    const started = performance.now();
    const res = await fetch('/predict', { method: 'POST', body, headers, signal: controller.signal });
    const roundTrip = performance.now() - started;
    let json;
    try {
      json = await res.json();
    } catch {
      json = undefined;
    }
    if (controller !== inFlight) return;
    if (res.ok && json?.genres) {
      showPrediction(json, roundTrip, plot);
      return;
    }
    const error = json?.error;
    showError(error?.message ?? `The API answered ${res.status} ${res.statusText}`, error?.code, res.status);
    setStatus(res.status >= 500 ? 'The API could not classify this right now.' : 'The API rejected the input.');
    if (res.status === 401) showTokenField();
  } catch (err) {
    if (controller.signal.aborted) return;
    showError(`Could not reach the API: ${err instanceof Error ? err.message : String(err)}`);
    setStatus('');
  } finally {
    if (controller === inFlight) {
      inFlight = null;
      setBusy(false);
    }
  }
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  // The busy button stays pressable (aria-disabled): ignore it. Ctrl+Enter (no submitter) restarts with the current form.
  if (inFlight && e.submitter === classifyButton) return;
  void classify();
});

$('reset').addEventListener('click', () => {
  inFlight?.abort();
  inFlight = null;
  setBusy(false);
  formEdited();
  plotInput.value = '';
  updateCount();
  setPoster(null);
  result.hidden = true;
  clearError();
  setStatus('');
  plotInput.focus();
});

// ---------------------------------------------------------------- examples

/** @param {Example} example @param {HTMLButtonElement} button */
async function useExample(example, button) {
  cancelExample();
  const load = new AbortController();
  exampleLoad = load;
  button.setAttribute('aria-busy', 'true');
  try {
    const res = await fetch(example.posterUrl, { signal: load.signal });
    if (!res.ok) throw new Error(`poster answered ${res.status}`);
    const blob = await res.blob();
    exampleLoad = null; // loaded: from here on it is an ordinary classify
    plotInput.value = example.plot;
    updateCount();
    setPoster(new File([blob], `${example.id}.jpg`, { type: blob.type || 'image/jpeg' }));
    currentExample = example;
    await classify();
    revealResult();
  } catch (err) {
    if (load.signal.aborted) return;
    showError(`Could not load the example: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    button.removeAttribute('aria-busy');
  }
}

/** After an example click far down the page (phones), bring the answer into view. */
function revealResult() {
  const panel = $('result-heading').closest('section');
  if (!panel) return;
  const box = panel.getBoundingClientRect();
  if (box.top >= 0 && box.top < window.innerHeight * 0.5) return;
  const smooth = !window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  panel.scrollIntoView({ behavior: smooth ? 'smooth' : 'auto', block: 'start' });
}

async function loadExamples() {
  const status = $('examples-status');
  const list = $('example-list');
  try {
    const res = await fetch('/examples');
    const json = await res.json().catch(() => undefined);
    if (!res.ok || !json?.examples) throw new Error(json?.error?.message ?? `HTTP ${res.status}`);
    /** @type {Example[]} */
    const examples = json.examples;
    list.replaceChildren(
      ...examples.map((ex) => {
        const button = /** @type {HTMLButtonElement} */ (
          el(
            'button',
            { type: 'button', class: 'example', 'data-example-id': String(ex.id), 'aria-label': `Classify “${ex.title}” (${ex.year ?? 'year unknown'}), labelled ${ex.genre}` },
            el('img', { src: ex.posterUrl, alt: '', loading: 'lazy', width: 150, height: 225 }),
            el('span', { class: 'example-title', text: ex.title }),
            el('span', { class: 'example-meta', text: `${ex.year ?? ''}${ex.year ? ' · ' : ''}${ex.genre}` }),
          )
        );
        button.addEventListener('click', () => void useExample(ex, button));
        return el('li', {}, button);
      }),
    );
    status.textContent = json.source === 'seeded' ? 'Picked with a fixed seed from a held-out part of the dataset.' : '';
  } catch (err) {
    status.textContent = `No examples available (${err instanceof Error ? err.message : String(err)}).`;
  }
}

// ---------------------------------------------------------------- how it works

/** @param {HeadMetrics} m @param {string[]} labels the genres, in the matrix's order */
function renderConfusion(m, labels) {
  const table = /** @type {HTMLTableElement} */ ($('confusion'));
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
  table.replaceChildren(caption, head, body);
}

/** @param {HeadMetrics} m @param {string} key @param {string[]} labels */
function showConfusion(m, key, labels) {
  renderConfusion(m, labels);
  $('confusion-heading').textContent = `Confusion matrix: ${HEAD_NAMES[key].toLowerCase()}`;
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
  /** @type {[string, HeadMetrics][]} */
  const heads = Object.keys(HEAD_NAMES).map((key) => [key, report[key]]);
  /** @type {HTMLTableElement} */ ($('metrics-table')).tBodies[0].replaceChildren(
    ...heads.map(([key, m]) =>
      el(
        'tr',
        { 'data-head': key },
        el('th', { scope: 'row', text: HEAD_NAMES[key] }),
        el('td', { class: 'n', text: number.format(m.count) }),
        el('td', { text: fixed3(m.accuracy) }),
        el('td', { text: fixed3(m.balancedAccuracy) }),
        el('td', { text: fixed3(m.macroF1) }),
      ),
    ),
  );

  const group = $('confusion-heads');
  const legend = group.querySelector('legend');
  group.replaceChildren(
    ...(legend ? [legend] : []),
    ...heads.map(([key, m], i) => {
      const input = el('input', { type: 'radio', name: 'confusion-head', value: key, checked: i === 0 });
      input.addEventListener('change', () => showConfusion(m, key, info.labels));
      return el('label', {}, input, HEAD_NAMES[key]);
    }),
  );
  showConfusion(heads[0][1], heads[0][0], info.labels);
  $('confusion-block').hidden = false;

  const bySource = report.image.bySource ?? {};
  if (Object.keys(bySource).length) {
    /** @type {HTMLTableElement} */ ($('sources')).tBodies[0].replaceChildren(
      ...Object.entries(bySource).map(([source, s]) =>
        el('tr', {}, el('th', { scope: 'row', text: source }), el('td', { text: number.format(s.count) }), el('td', { text: fixed3(s.accuracy) })),
      ),
    );
    $('sources-block').hidden = false;
  }
  $('evaluation').hidden = false;
}

async function loadModelInfo() {
  const status = $('model-status');
  try {
    const res = await fetch('/model');
    const json = await res.json().catch(() => undefined);
    if (!res.ok || !json?.version) throw new Error(json?.error?.message ?? `HTTP ${res.status}`);
    modelInfo = json;
    renderEvaluation(json);
  } catch (err) {
    status.textContent = `Model figures unavailable: ${err instanceof Error ? err.message : String(err)}`;
  }
}

// ---------------------------------------------------------------- start

for (const node of document.querySelectorAll('.origin')) node.textContent = location.origin;
fill({ plotMaxChars: number.format(PLOT_MAX_CHARS) });
updateCount();
setPoster(null);
void loadExamples();
void loadModelInfo();
document.documentElement.dataset.ready = 'true';
