// Small DOM and formatting helpers shared by the page's modules.

export const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * An element with properties, attributes and children; text is always set as text, never parsed as HTML.
 * @param {string} tag @param {Record<string, any>} [props] @param {...(Node | string | undefined | null | false)} children
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('data-') || k.startsWith('aria-') || ['role', 'scope', 'title'].includes(k)) node.setAttribute(k, v);
    else /** @type {any} */ (node)[k] = v;
  }
  node.append(...children.filter((c) => c !== undefined && c !== null && c !== false));
  return node;
}

/** Fills each `[data-fill="name"]` with its value. @param {Record<string, string>} values */
export function fill(values) {
  for (const node of document.querySelectorAll('[data-fill]')) node.textContent = values[node.dataset.fill] ?? node.textContent;
}

export const number = new Intl.NumberFormat('en');

/** Percent text used everywhere a probability is shown (the browser test formats the API's JSON the same way). */
export const percent = (/** @type {number} */ p) => `${(p * 100).toFixed(1)}%`;

/** "Action, Animation and Others" @param {string[]} names */
export const listOf = (names) => (names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`);

const smallNumbers = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
/** A count in words up to ten, in figures above: "three collections". @param {number} n */
export const countWord = (n) => smallNumbers[n] ?? number.format(n);

/**
 * Brings `target` into view (scrolling `container` to the top of the screen when the target is not wholly
 * visible), then gives it keyboard focus, so that an answer below the form on a phone is where the reader is.
 * @param {HTMLElement} target @param {HTMLElement} container
 */
export function reveal(target, container) {
  const box = target.getBoundingClientRect();
  if (box.top < 0 || box.bottom > window.innerHeight) {
    const smooth = !window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    container.scrollIntoView({ behavior: smooth ? 'smooth' : 'auto', block: 'start' });
  }
  target.focus({ preventScroll: true });
}
