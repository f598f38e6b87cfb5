/** `folds` folds of the rows, stratified by label: row r is in fold foldOf[r]. */
function stratifiedFolds(labels: Int32Array, folds: number): Int32Array {
  const order = [...labels.keys()].sort((a, b) => labels[a] - labels[b] || a - b);
  const foldOf = new Int32Array(labels.length);
  order.forEach((row, k) => (foldOf[row] = k % folds));
  return foldOf;
}

/**
 * Out-of-fold outputs: for each of 5 stratified folds (fewer with fewer rows), `fitAndApply` fits on the
 * other rows and returns the outputs of the fold's rows. What is fitted on the rows it is scored on must be
 * scored this way, or its figures flatter it.
 */
export function crossFit<T>(labels: Int32Array, fitAndApply: (fit: number[], held: number[]) => T[]): T[] {
  const folds = Math.min(5, labels.length);
  const foldOf = stratifiedFolds(labels, folds);
  const out = new Array<T>(labels.length);
  for (let f = 0; f < folds; f++) {
    const held = [...foldOf.keys()].filter((i) => foldOf[i] === f);
    const fit = [...foldOf.keys()].filter((i) => foldOf[i] !== f);
    fitAndApply(fit, held).forEach((o, k) => (out[held[k]] = o));
  }
  return out;
}
