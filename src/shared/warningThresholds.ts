// Provisional: to be replaced by the values measured on the validation split (docs/decisions/answer-warnings.md).
/** Plots with fewer words than this get `plot_too_short`. */
export const PLOT_TOO_SHORT_BELOW_WORDS = 8;
/** A top probability below this gets `low_confidence`. */
export const LOW_CONFIDENCE_BELOW = 0.4;
