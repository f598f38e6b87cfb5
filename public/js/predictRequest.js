// The page's calls to the API: POST /predict from the form's plot and poster, and POST /feedback for a
// correction, each with the optional bearer token.

/** @typedef {{ genre: string, probability: number }} RankedGenre */
/** @typedef {{ text: string, weight: number }} Evidence */
/** @typedef {{ code: string, message: string }} AnswerWarning */
/**
 * The API's answer (src/shared/apiSchemas.ts `predictResponse`).
 * @typedef {{ genres: RankedGenre[], top: RankedGenre, tmdbGenres: RankedGenre[], evidence?: { plot: Evidence[] },
 *   modalities: string[], modelVersion: string, plotWords?: { read: number, total: number }, warnings: AnswerWarning[],
 *   timings: { loadMs: number, decodeMs: number, modelMs: number, totalMs: number, cached: boolean } }} Prediction
 */
/** @typedef {{ ok: false, status: number, statusText: string, code?: string, message?: string }} ApiFailure */
/** @typedef {{ ok: true, prediction: Prediction, roundTripMs: number } | ApiFailure} PredictOutcome */
/** @typedef {{ ok: true, id: number } | ApiFailure} FeedbackOutcome */

/** Headers carry Latin-1 only: a token with anything else (a zero-width space pasted with it, say) cannot be sent. */
export const tokenSendable = (/** @type {string} */ token) => !/[^\x20-\x7e]/.test(token);

/**
 * Sends the plot and poster; resolves with the answer or the API's error, rejects when the API cannot be
 * reached or `signal` aborts.
 * @param {{ plot: string, poster?: { blob: Blob, name: string }, token: string, signal: AbortSignal }} request
 * @returns {Promise<PredictOutcome>}
 */
export async function postPredict({ plot, poster, token, signal }) {
  const headers = apiHeaders(token);
  const body = new FormData();
  if (plot) body.append('plot', plot);
  if (poster) body.append('poster', poster.blob, poster.name);

  const started = performance.now();
  const res = await fetch('/predict', { method: 'POST', body, headers, signal });
  const roundTripMs = performance.now() - started;
  const json = await res.json().catch(() => undefined);
  if (res.ok && json?.genres) return { ok: true, prediction: json, roundTripMs };
  return failure(res, json);
}

/**
 * Sends a correction of an answer: the input it was given for (the poster as a data: URL, which the API
 * takes as base64), the genre answered and the right one. Rejects when the API cannot be reached or `signal` aborts.
 * @param {{ plot: string, poster?: Blob, predicted: string, genre: string, tmdbGenres: string[], modelVersion: string, token: string, signal: AbortSignal }} correction
 * @returns {Promise<FeedbackOutcome>}
 */
export async function postFeedback({ plot, poster, predicted, genre, tmdbGenres, modelVersion, token, signal }) {
  const body = {
    ...(plot ? { plot } : {}),
    ...(poster ? { poster: await dataUrl(poster) } : {}),
    predicted,
    genre,
    ...(tmdbGenres.length ? { tmdbGenres } : {}),
    modelVersion,
  };
  const headers = apiHeaders(token);
  headers.set('content-type', 'application/json');
  const res = await fetch('/feedback', { method: 'POST', headers, body: JSON.stringify(body), signal });
  const json = await res.json().catch(() => undefined);
  if (res.ok && typeof json?.id === 'number') return { ok: true, id: json.id };
  return failure(res, json);
}

/** @param {string} token */
function apiHeaders(token) {
  const headers = new Headers({ accept: 'application/json' });
  if (token) headers.set('authorization', `Bearer ${token}`);
  return headers;
}

/** @param {Response} res @param {any} json @returns {ApiFailure} */
const failure = (res, json) => ({ ok: false, status: res.status, statusText: res.statusText, code: json?.error?.code, message: json?.error?.message });

/** @param {Blob} blob @returns {Promise<string>} */
const dataUrl = (blob) =>
  new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(/** @type {string} */ (reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
