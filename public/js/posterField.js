// The poster: chosen, dropped or pasted, previewed, and scaled down in the browser before upload when large.
import { $, el } from './dom.js';

const input = /** @type {HTMLInputElement} */ ($('poster'));
const dropZone = $('drop-zone');
const preview = /** @type {HTMLImageElement} */ ($('poster-preview'));
const dropText = $('drop-text');
const posterName = $('poster-name');
const clearButton = $('poster-clear');

/** The poster to send: from the file picker, a drop, a paste or an example. */
/** @type {File | null} */
let poster = null;
let previewUrl = '';

export const currentPoster = () => poster;

/** The drop zone's own words, also after a file the browser could not preview is removed. */
function showDropHint() {
  dropText.replaceChildren(el('strong', { text: 'Choose a poster' }), el('span', { text: 'or drop / paste an image here' }));
}

const formatBytes = (/** @type {number} */ n) => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(0)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);

/** @param {File} file @param {string} [scaledTo] */
const posterLabel = (file, scaledTo) => `${file.name || 'pasted image'} (${formatBytes(file.size)})${scaledTo ? `, sent scaled to ${scaledTo}` : ''}`;

/** @param {File | null} file */
export function setPoster(file) {
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
    clearButton.hidden = true;
    input.value = '';
    return;
  }
  previewUrl = URL.createObjectURL(file);
  preview.alt = `Preview of ${file.name || 'the poster'}`;
  preview.src = previewUrl;
  preview.hidden = false;
  dropText.hidden = true;
  dropZone.classList.add('has-poster');
  posterName.textContent = posterLabel(file);
  clearButton.hidden = false;
}

/**
 * Posters over this many pixels are scaled down in the browser before upload: the API refuses more than
 * 2,000,000 (decoding memory in the Worker), and the model only sees 224x224 anyway.
 */
const UPLOAD_MAX_PIXELS = 1_000_000;

/**
 * The poster as it will be uploaded: the file itself, or a JPEG of it scaled to UPLOAD_MAX_PIXELS,
 * flattened on white as the API does with transparency. Labels the poster with its scaling if it is still
 * the one shown (scaling a phone photo takes a while: the user may have removed it meanwhile).
 * @param {File} file
 * @returns {Promise<Blob>}
 */
export async function posterForUpload(file) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return file; // not an image this browser decodes: the API gives the authoritative answer
  }
  const scale = Math.sqrt(UPLOAD_MAX_PIXELS / (bitmap.width * bitmap.height));
  if (scale >= 1) {
    bitmap.close();
    return file;
  }
  const width = Math.max(1, Math.floor(bitmap.width * scale));
  const height = Math.max(1, Math.floor(bitmap.height * scale));
  const canvas = new OffscreenCanvas(width, height);
  const context = /** @type {OffscreenCanvasRenderingContext2D} */ (canvas.getContext('2d'));
  context.fillStyle = '#fff';
  context.fillRect(0, 0, width, height);
  context.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.92 });
  if (poster === file) posterName.textContent = posterLabel(file, `${width}×${height}`);
  return blob;
}

/** @param {() => void} onEdit called whenever the user picks, drops, pastes or removes a poster */
export function initPosterField(onEdit) {
  /** @param {File | null} file */
  const chosen = (file) => {
    onEdit();
    setPoster(file);
  };
  input.addEventListener('change', () => chosen(input.files?.[0] ?? null));
  clearButton.addEventListener('click', () => {
    chosen(null);
    input.focus();
  });

  preview.addEventListener('error', () => {
    // Not an image the browser can show: keep it anyway, the API gives the authoritative answer.
    if (!poster) return;
    preview.hidden = true;
    dropText.hidden = false;
    dropText.replaceChildren(el('strong', { text: 'No preview' }), el('span', { text: 'the browser cannot show this file' }));
  });
  preview.addEventListener('load', showDropHint);

  /** @param {DragEvent} e */
  const onDragOver = (e) => {
    if (!e.dataTransfer?.types.includes('Files')) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    dropZone.classList.add('dragging');
  };
  dropZone.addEventListener('dragenter', onDragOver);
  dropZone.addEventListener('dragover', onDragOver);
  for (const type of ['dragleave', 'dragend']) dropZone.addEventListener(type, () => dropZone.classList.remove('dragging'));
  dropZone.addEventListener('drop', (e) => {
    e.preventDefault();
    dropZone.classList.remove('dragging');
    const file = e.dataTransfer?.files?.[0];
    if (file) chosen(file);
  });
  // A file dropped next to the zone should not navigate away from the page.
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => e.preventDefault());

  document.addEventListener('paste', (e) => {
    const file = [...(e.clipboardData?.files ?? [])].find((f) => f.type.startsWith('image/'));
    if (file) {
      e.preventDefault();
      chosen(file);
    }
  });
  setPoster(null);
}
