// The genre classifier page: plain ES modules, no build step, no dependencies. It talks to the Worker that
// serves it: POST /predict, GET /examples, GET /model, and GET /plot-text.js for the API's plot rules.
import { clearError, clearOutput, setAnswerBusy, setStatus, showAnswer, showError } from './answer.js';
import { $, fill, number } from './dom.js';
import { errorText, EXAMPLE_FAILED, TOKEN_NOT_SENDABLE, UNREACHABLE } from './errorText.js';
import { examplePoster, loadExamples } from './examples.js';
import { initFeedback, offerFeedback, withdrawFeedback } from './feedback.js';
import { loadModelReport } from './modelReport.js';
import { focusPlot, initPlotField, keepPlotStart, plotChars, plotMaxChars, plotText, plotTooLong, setPlot } from './plotField.js';
import { currentPoster, initPosterField, posterForUpload, setPoster } from './posterField.js';
import { postPredict, tokenSendable } from './predictRequest.js';

/** @typedef {import('./answer.js').Example} Example */

const form = /** @type {HTMLFormElement} */ ($('classify-form'));
const classifyButton = /** @type {HTMLButtonElement} */ ($('classify'));
const tokenInput = /** @type {HTMLInputElement} */ ($('token'));
const tokenDetails = /** @type {HTMLDetailsElement} */ ($('token-details'));

/** The example that filled the form, until the user edits it. @type {Example | null} */
let example = null;
/** The running classify; also the busy flag. @type {AbortController | null} */
let inFlight = null;
/** The example whose poster is downloading; a newer click, Classify, Clear or an edit abandons it. @type {AbortController | null} */
let exampleLoad = null;
/** GET /model, once it answered: the evaluation figures the answer refers to. */
let modelInfo = null;

function cancelExampleLoad() {
  exampleLoad?.abort();
  exampleLoad = null;
}

/** The user changed the form: it no longer holds an example, and a slow example must not overwrite it. */
function formEdited() {
  example = null;
  cancelExampleLoad();
}

/**
 * While busy the button keeps focus (aria-disabled, not disabled: a disabled button drops keyboard
 * focus to the body) and says so; the submit handler ignores it.
 * @param {boolean} busy
 */
function setBusy(busy) {
  for (const [node, name] of /** @type {const} */ ([[classifyButton, 'aria-disabled'], [form, 'aria-busy']])) {
    if (busy) node.setAttribute(name, 'true');
    else node.removeAttribute(name);
  }
  setAnswerBusy(busy);
  classifyButton.textContent = busy ? 'Classifying…' : 'Classify';
}

function stopRequest() {
  inFlight?.abort();
  inFlight = null;
  setBusy(false);
  withdrawFeedback();
}

/**
 * An error; one the token field fixes opens that field and offers a button to it.
 * @param {Parameters<typeof showError>[0]} shown
 */
function showProblem(shown) {
  if (shown.fix === 'token') {
    tokenDetails.open = true;
    shown = { ...shown, action: { label: 'Enter the token', run: () => tokenInput.focus() } };
  }
  showError(shown);
}

/** A plot over the limit is not sent: the visitor is offered its start instead. */
function refuseLongPlot() {
  const max = number.format(plotMaxChars);
  showError({
    title: 'The plot is too long',
    advice: `It has ${number.format(plotChars())} characters, and the classifier reads up to ${max}. Shorten it, or classify its first ${max} characters.`,
    action: {
      label: `Use the first ${max} characters`,
      run: () => {
        formEdited();
        keepPlotStart();
        void classify();
      },
    },
  });
}

async function classify() {
  cancelExampleLoad();
  stopRequest();
  clearError();
  if (plotTooLong()) return refuseLongPlot();
  const token = tokenInput.value.trim();
  if (!tokenSendable(token)) return showProblem(TOKEN_NOT_SENDABLE);

  const controller = new AbortController();
  inFlight = controller;
  setBusy(true);
  setStatus('Classifying…');
  try {
    const plot = plotText();
    const file = currentPoster();
    // Scaling a phone photo takes a while: the user may remove the poster or start another request meanwhile.
    const poster = file ? { blob: await posterForUpload(file), name: file.name || 'poster' } : undefined;
    if (controller !== inFlight) return;
    const outcome = await postPredict({ plot, poster, token, signal: controller.signal });
    if (controller !== inFlight) return;
    if (outcome.ok) {
      showAnswer(outcome.prediction, { plot, roundTripMs: outcome.roundTripMs, example, modelInfo });
      offerFeedback({ plot, poster: poster?.blob, prediction: outcome.prediction });
      return;
    }
    showProblem({
      ...errorText(outcome),
      status: outcome.status,
      code: outcome.code,
      message: outcome.message ?? `The server answered ${outcome.status} ${outcome.statusText} without an explanation.`,
    });
  } catch (err) {
    if (controller.signal.aborted) return;
    showError({ ...UNREACHABLE, message: err instanceof Error ? err.message : String(err) });
  } finally {
    if (controller === inFlight) {
      inFlight = null;
      setBusy(false);
    }
  }
}

/** @param {Example} picked @param {HTMLButtonElement} button */
async function useExample(picked, button) {
  cancelExampleLoad();
  const load = new AbortController();
  exampleLoad = load;
  button.setAttribute('aria-busy', 'true');
  try {
    const file = await examplePoster(picked, load.signal);
    exampleLoad = null; // loaded: from here on it is an ordinary classify
    setPlot(picked.plot);
    setPoster(file);
    example = picked;
    await classify();
  } catch (err) {
    if (load.signal.aborted) return;
    showError({ ...EXAMPLE_FAILED, message: err instanceof Error ? err.message : String(err) });
  } finally {
    button.removeAttribute('aria-busy');
  }
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  // The busy button stays pressable (aria-disabled): ignore it. Ctrl+Enter (no submitter) restarts with the current form.
  if (inFlight && e.submitter === classifyButton) return;
  void classify();
});

$('reset').addEventListener('click', () => {
  stopRequest();
  formEdited();
  setPlot('');
  setPoster(null);
  clearOutput();
  focusPlot();
});

for (const node of document.querySelectorAll('.origin')) node.textContent = location.origin;
fill({ plotMaxChars: number.format(plotMaxChars) });
initPlotField(formEdited, () => form.requestSubmit());
initPosterField(formEdited);
initFeedback(() => tokenInput.value.trim());
void loadExamples(useExample);
void loadModelReport().then((info) => (modelInfo = info));
document.documentElement.dataset.ready = 'true';
