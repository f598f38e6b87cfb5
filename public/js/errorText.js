// What the page tells a visitor when the API refuses or fails: plain words and what to do next. The API's own
// code and message are shown only under "Technical details". Every code of docs/api.md has an entry here
// (test/web/errorText.test.ts checks it); a code the page does not know falls back to its HTTP status.

/** @typedef {{ title: string, advice: string, fix?: 'token' }} ErrorText */

const RELOAD = 'Reload the page and try again. If it happens again, the page and the server are out of step: please tell whoever runs this site.';
const POSTER_FORMATS = 'Use a JPEG, PNG, WebP or BMP image, such as a screenshot of the poster.';
const SMALLER_POSTER = 'Choose a smaller copy of the poster (a web-sized image, about 500 pixels wide, is plenty), or classify the plot alone.';
const POSTER_FILE = 'Save the poster to your device and choose the file instead.';

/** @type {Record<string, ErrorText>} */
const BY_CODE = {
  missing_input: { title: 'Nothing to classify yet', advice: 'Paste a plot, choose a poster, or both, then press Classify.' },
  invalid_request: { title: 'The plot or poster could not be sent as they are', advice: 'Check that the plot has some text and the poster is an image file, then try again.' },
  invalid_plot: { title: 'The plot has no words to read', advice: 'Write the plot in words: punctuation, symbols or emoji alone cannot be classified.' },
  invalid_json: { title: 'The request did not arrive intact', advice: RELOAD },
  invalid_base64: { title: 'The poster did not arrive intact', advice: 'Choose the poster again and press Classify.' },
  unsupported_image: { title: 'This kind of image cannot be read', advice: POSTER_FORMATS },
  invalid_image: { title: 'The poster file is damaged or not an image', advice: `Open it on your device to check it, or choose another file. ${POSTER_FORMATS}` },
  invalid_poster_url: { title: 'The poster address is not a web address', advice: POSTER_FILE },
  poster_url_not_allowed: { title: 'Posters are not fetched from that site', advice: POSTER_FILE },
  poster_url_failed: { title: 'The poster could not be downloaded', advice: POSTER_FILE },
  unauthorized: { title: 'This site asks for an access token', advice: 'Enter the token you were given under “Access token”, then press Classify again.', fix: 'token' },
  not_found: { title: 'The classifier was not found at this address', advice: RELOAD },
  method_not_allowed: { title: 'The classifier was asked the wrong way', advice: RELOAD },
  unsupported_media_type: { title: 'The classifier was sent something it does not take', advice: RELOAD },
  body_too_large: { title: 'The poster file is too big to send', advice: SMALLER_POSTER },
  poster_too_large: { title: 'The poster file is too big', advice: `Posters up to 5 MB are accepted. ${SMALLER_POSTER}` },
  image_too_large: { title: 'The poster image is too large to read', advice: SMALLER_POSTER },
  internal_error: { title: 'Something went wrong on the server', advice: 'Try again. If it keeps happening with this plot or poster, try another one.' },
  model_unavailable: { title: 'The classifier is not available right now', advice: 'Wait a minute, then press Classify again.' },
  rate_limited: { title: 'Too many requests from your address', advice: 'Wait a minute, then press Classify again.' },
  overloaded: { title: 'The classifier is busy right now', advice: 'Wait a few seconds, then press Classify again.' },
};

/** @param {number} status @returns {ErrorText} */
function byStatus(status) {
  if (status === 429) return BY_CODE.rate_limited;
  if (status === 503) return BY_CODE.model_unavailable;
  if (status >= 500) return BY_CODE.internal_error;
  return { title: 'The classifier did not accept this plot or poster', advice: 'Check the plot and the poster, then try again.' };
}

/**
 * The visitor's words for an API error; `code` undefined when the answer had no JSON error body.
 * @param {{ status: number, code?: string }} error @returns {ErrorText}
 */
export function errorText({ status, code }) {
  return code !== undefined && Object.hasOwn(BY_CODE, code) ? BY_CODE[code] : byStatus(status);
}

/** The codes the page has its own words for. */
export const KNOWN_CODES = Object.keys(BY_CODE);

/** @type {ErrorText} */
export const UNREACHABLE = { title: 'The classifier could not be reached', advice: 'Check your internet connection, then press Classify again.' };

/** @type {ErrorText} */
export const TOKEN_NOT_SENDABLE = {
  title: 'The access token cannot be sent',
  advice: 'It contains a character a token cannot have, perhaps an invisible one copied with it. Type or paste it again.',
  fix: 'token',
};

/** @type {ErrorText} */
export const EXAMPLE_FAILED = { title: 'The example could not be loaded', advice: 'Try again, or pick another example.' };
