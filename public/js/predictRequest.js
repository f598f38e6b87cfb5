// POST /predict from the form's plot and poster, with the optional bearer token.

/** @typedef {{ genre: string, probability: number }} RankedGenre */
/** @typedef {{ text: string, weight: number }} Evidence */
/** @typedef {{ code: string, message: string }} AnswerWarning */
/**
 * The API's answer (src/shared/apiSchemas.ts `predictResponse`).
 * @typedef {{ genres: RankedGenre[], top: RankedGenre, tmdbGenres: RankedGenre[], evidence?: { plot: Evidence[] },
 *   modalities: string[], modelVersion: string, plotWords?: { read: number, total: number }, warnings: AnswerWarning[],
 *   timings: { loadMs: number, decodeMs: number, modelMs: number, totalMs: number, cached: boolean } }} Prediction
 */
/**
 * @typedef {{ ok: true, prediction: Prediction, roundTripMs: number }
 *   | { ok: false, status: number, statusText: string, code?: string, message?: string }} PredictOutcome
 */

/** Headers carry Latin-1 only: a token with anything else (a zero-width space pasted with it, say) cannot be sent. */
export const tokenSendable = (/** @type {string} */ token) => !/[^\x20-\x7e]/.test(token);

/**
 * Sends the plot and poster; resolves with the answer or the API's error, rejects when the API cannot be
 * reached or `signal` aborts.
 * @param {{ plot: string, poster?: { blob: Blob, name: string }, token: string, signal: AbortSignal }} request
 * @returns {Promise<PredictOutcome>}
 */
export async function postPredict({ plot, poster, token, signal }) {
  const headers = new Headers({ accept: 'application/json' });
  if (token) headers.set('authorization', `Bearer ${token}`);
  const body = new FormData();
  if (plot) body.append('plot', plot);
  if (poster) body.append('poster', poster.blob, poster.name);

  const started = performance.now();
  const res = await fetch('/predict', { method: 'POST', body, headers, signal });
  const roundTripMs = performance.now() - started;
  const json = await res.json().catch(() => undefined);
  if (res.ok && json?.genres) return { ok: true, prediction: json, roundTripMs };
  return { ok: false, status: res.status, statusText: res.statusText, code: json?.error?.code, message: json?.error?.message };
}
