// Where the service warns about an answer, measured with the calibrated model on the validation split by
// `npx tsx models/cli/warningThresholds.ts` (docs/decisions/answer-warnings.md). Plot length is in words as
// plotFeatures.ts counts them (`plotWords.total` in the answer).

/** plot_too_short, plot only: under 12 words, the plot-only answer is less accurate than a poster alone would be. */
export const PLOT_TOO_SHORT_WORDS = 12;

/** plot_too_short, with a poster: only a one-word plot pulls the fused answer below the poster's own. */
export const PLOT_TOO_SHORT_WITH_POSTER_WORDS = 2;

/** low_confidence: below this calibrated top probability the top genre is right less than half the time, for all three answers. */
export const LOW_CONFIDENCE_BELOW = 0.5;
