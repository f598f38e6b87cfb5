import type { Classification } from './classifier';
import { plotLanguage } from './plotLanguage';
import { LOW_CONFIDENCE_BELOW, PLOT_TOO_SHORT_BELOW_WORDS } from './warningThresholds';

/** Why an answer deserves less trust than its probabilities say; the answer is given all the same. */
export const WARNING_CODES = ['plot_not_english', 'plot_too_short', 'low_confidence'] as const;
export type WarningCode = (typeof WARNING_CODES)[number];

export interface AnswerWarning {
  code: WarningCode;
  /** Plain words for the person who asked, with what to do about it. */
  message: string;
}

const percent = (p: number) => `${Math.round(p * 100)}%`;
const languageNames = new Intl.DisplayNames(['en'], { type: 'language' });

/** The warnings of a classification, most important first: out of scope, then too little to go on, then unsure. */
export function answerWarnings(classification: Pick<Classification, 'genres' | 'plotWords'>, plot?: string): AnswerWarning[] {
  const warnings: AnswerWarning[] = [];
  const language = plot === undefined ? undefined : plotLanguage(plot);
  if (language?.judged && !language.english) {
    // The detector's language is a hint (close languages are confused), and a code it cannot name is left out.
    const name = languageNames.of(language.language);
    warnings.push({
      code: 'plot_not_english',
      message: `The plot does not look like English${name && name !== language.language ? ` (it reads like ${name})` : ''}. The model only reads English plots, so this answer means little: an English summary gives a better one.`,
    });
  }
  const words = classification.plotWords?.total;
  if (words !== undefined && words < PLOT_TOO_SHORT_BELOW_WORDS) {
    warnings.push({
      code: 'plot_too_short',
      message: `The plot has only ${words} word${words === 1 ? '' : 's'}, too few to judge a genre well. A summary of two or three sentences gives a better answer.`,
    });
  }
  const [top] = classification.genres;
  if (top.probability < LOW_CONFIDENCE_BELOW) {
    warnings.push({
      code: 'low_confidence',
      message: `The model is unsure: ${top.genre} comes first with only ${percent(top.probability)}, and at that confidence the first genre is wrong more often than right. Treat the ranking as a hint.`,
    });
  }
  return warnings;
}
