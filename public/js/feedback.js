// "Wrong genre?" under an answer: the visitor names the right genre (and, if they like, the movie's TMDB
// genres), and POST /feedback stores it with the plot and poster that were classified, to train the next model.
import { $, el } from './dom.js';
import { errorText, TOKEN_NOT_SENDABLE, UNREACHABLE } from './errorText.js';
import { postFeedback, tokenSendable } from './predictRequest.js';

/** @typedef {import('./predictRequest.js').Prediction} Prediction */
/** @typedef {{ plot: string, poster?: Blob, prediction: Prediction }} Answered the input as sent, and its answer */

const block = $('feedback');
const openButton = /** @type {HTMLButtonElement} */ ($('feedback-open'));
const form = /** @type {HTMLFormElement} */ ($('feedback-form'));
const genreGroup = $('feedback-genres');
const tagGroup = $('feedback-tags');
const sendButton = /** @type {HTMLButtonElement} */ ($('feedback-send'));
const problem = $('feedback-problem');
const done = $('feedback-done');

/** The answer the form corrects; null while there is none. @type {Answered | null} */
let answered = null;
/** The running send; also the busy flag. @type {AbortController | null} */
let sending = null;
/** @type {() => string} */
let tokenOf = () => '';

/** @param {string} name @param {'radio' | 'checkbox'} type @param {string} value */
const choice = (name, type, value) => el('label', {}, el('input', { type, name, value }), value);

/** @param {HTMLElement} group @param {HTMLElement[]} labels */
function fillGroup(group, labels) {
  const legend = group.querySelector('legend');
  group.replaceChildren(...(legend ? [legend] : []), ...labels);
}

/** @param {string} text */
function showProblem(text) {
  problem.textContent = text;
  problem.hidden = false;
}

function setSending(/** @type {boolean} */ busy) {
  if (busy) sendButton.setAttribute('aria-disabled', 'true');
  else sendButton.removeAttribute('aria-disabled');
  sendButton.textContent = busy ? 'Sending…' : 'Send correction';
}

function closeForm() {
  form.hidden = true;
  openButton.setAttribute('aria-expanded', 'false');
}

/** No answer to correct (a new request, an error, Clear). */
export function withdrawFeedback() {
  sending?.abort();
  sending = null;
  setSending(false);
  answered = null;
  block.hidden = true;
}

/**
 * Offers a correction of `next`: the genres it can be corrected to are the six it did not answer.
 * @param {Answered} next
 */
export function offerFeedback(next) {
  withdrawFeedback();
  answered = next;
  const predicted = next.prediction.genres[0].genre;
  fillGroup(genreGroup, next.prediction.genres.map((g) => g.genre).filter((g) => g !== predicted).sort().map((g) => choice('feedback-genre', 'radio', g)));
  fillGroup(tagGroup, next.prediction.tmdbGenres.map((g) => g.genre).sort().map((g) => choice('feedback-tag', 'checkbox', g)));
  $('feedback-predicted').textContent = predicted;
  problem.hidden = true;
  done.hidden = true;
  closeForm();
  openButton.hidden = false;
  block.hidden = false;
}

async function send() {
  if (!answered || sending) return;
  const genre = /** @type {HTMLInputElement | null} */ (form.querySelector('input[name="feedback-genre"]:checked'))?.value;
  if (!genre) {
    showProblem('Choose the genre this movie belongs to.');
    genreGroup.setAttribute('aria-invalid', 'true');
    /** @type {HTMLInputElement} */ (genreGroup.querySelector('input')).focus();
    return;
  }
  genreGroup.removeAttribute('aria-invalid');
  problem.hidden = true;
  const token = tokenOf();
  if (!tokenSendable(token)) return showProblem(`${TOKEN_NOT_SENDABLE.title}. ${TOKEN_NOT_SENDABLE.advice}`);
  const tmdbGenres = [...form.querySelectorAll('input[name="feedback-tag"]:checked')].map((input) => /** @type {HTMLInputElement} */ (input).value);
  const { plot, poster, prediction } = answered;
  const controller = new AbortController();
  sending = controller;
  setSending(true);
  try {
    const outcome = await postFeedback({ plot, poster, predicted: prediction.genres[0].genre, genre, tmdbGenres, modelVersion: prediction.modelVersion, token, signal: controller.signal });
    if (controller !== sending) return;
    if (outcome.ok) {
      closeForm();
      openButton.hidden = true;
      done.textContent = `Thank you! Saved: this movie is ${genre}. Corrections like yours train the next model.`;
      done.hidden = false;
      done.focus();
      return;
    }
    const text = errorText(outcome);
    showProblem(`${text.title}: your correction was not saved. ${outcome.status === 429 || outcome.status >= 500 ? 'Wait a minute, then send it again.' : text.advice}`);
  } catch {
    if (controller.signal.aborted) return;
    showProblem(`${UNREACHABLE.title}: your correction was not saved. Check your internet connection, then send it again.`);
  } finally {
    if (controller === sending) {
      sending = null;
      setSending(false);
    }
  }
}

/** @param {() => string} token the access token the form holds, sent as /predict's is */
export function initFeedback(token) {
  tokenOf = token;
  openButton.addEventListener('click', () => {
    const opening = form.hidden;
    form.hidden = !opening;
    openButton.setAttribute('aria-expanded', String(opening));
    if (opening) /** @type {HTMLInputElement} */ (genreGroup.querySelector('input')).focus();
  });
  // Choosing a genre answers "Choose the genre…".
  genreGroup.addEventListener('change', () => {
    genreGroup.removeAttribute('aria-invalid');
    problem.hidden = true;
  });
  $('feedback-cancel').addEventListener('click', () => {
    closeForm();
    openButton.focus();
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void send();
  });
}
