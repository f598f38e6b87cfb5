import type { Prediction } from './apiSchemas';
import type { Classification, GenreClassifier, ClassifierInput } from './classifier';
import { answerWarnings } from './answerWarnings';
import { hasWord } from './plotText';

/**
 * The answer to one movie, as every way of asking gets it: POST /predict, each item of /predict/batch, a
 * cached answer, the Discord reply and `npm run classify` run locally. Only `modelVersion` and `timings`,
 * which depend on where it was computed, are added by the caller.
 */
export type Answer = Omit<Prediction, 'modelVersion' | 'timings'>;

/** Why an input cannot be answered, as the API's error says it. */
export interface AnswerError {
  code: string;
  message: string;
}

/** What is wrong with an input before any model runs (a plot without a word, nothing at all), or undefined. */
export function inputProblem(input: { plot?: string; poster?: unknown }): AnswerError | undefined {
  if (input.plot !== undefined && !hasWord(input.plot)) return { code: 'invalid_plot', message: 'plot has no words: it needs at least one letter or digit' };
  if (input.plot === undefined && input.poster === undefined) return { code: 'missing_input', message: 'send a plot, a poster, or both' };
  return undefined;
}

/** Four decimals: a percentage to two, and the same number in JSON, the CSV and the page. */
export const roundProbability = (p: number): number => Math.round(p * 10_000) / 10_000;

const rounded = <G>(list: { genre: G; probability: number }[]) => list.map(({ genre, probability }) => ({ genre, probability: roundProbability(probability) }));

/** A classification of `plot` (if any) as the API answers it. */
export function answerOf(classification: Classification, plot?: string): Answer {
  const genres = rounded(classification.genres);
  return {
    genres,
    top: genres[0],
    tmdbGenres: rounded(classification.tmdbGenres),
    modalities: classification.modalities,
    ...(classification.evidence && { evidence: classification.evidence }),
    ...(classification.plotWords && { plotWords: classification.plotWords }),
    warnings: answerWarnings(classification, plot),
  };
}

/** Classify and answer: the one path from input to answer, with the time spent preparing and in the models. */
export async function classifyAnswer(classifier: GenreClassifier, input: ClassifierInput): Promise<{ answer: Answer; timings: Classification['timings'] }> {
  const classification = await classifier.classify(input);
  return { answer: answerOf(classification, input.plot), timings: classification.timings };
}
