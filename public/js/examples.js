// The example movies (GET /examples): one click fills the form with an example's plot and poster.
import { $, el } from './dom.js';

/** @typedef {import('./answer.js').Example} Example */

/**
 * Lists the examples; `onPick` gets the example and its button when one is clicked.
 * @param {(example: Example, button: HTMLButtonElement) => void} onPick
 */
export async function loadExamples(onPick) {
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
        button.addEventListener('click', () => onPick(ex, button));
        return el('li', {}, button);
      }),
    );
    status.textContent = json.source === 'seeded' ? 'Picked with a fixed seed from a held-out part of the dataset.' : '';
  } catch {
    status.textContent = 'The examples could not be loaded. Reload the page to try again.';
  }
}

/**
 * Downloads an example's poster as a file for the form.
 * @param {Example} example @param {AbortSignal} signal
 */
export async function examplePoster(example, signal) {
  const res = await fetch(example.posterUrl, { signal });
  if (!res.ok) throw new Error(`the poster answered HTTP ${res.status}`);
  const blob = await res.blob();
  return new File([blob], `${example.id}.jpg`, { type: blob.type || 'image/jpeg' });
}
