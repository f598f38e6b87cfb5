import { z } from 'zod';
import { loadNodeClassifier } from '../models/evaluate/nodeClassifier';
import { classifyAnswer, inputProblem, type AnswerError } from '../src/shared/answer';
import { plotField } from '../src/shared/apiSchemas';
import { PlotInputError } from '../src/shared/classifier';
import { decodeImage } from '../src/shared/imageDecode';
import { ImageInputError } from '../src/shared/imageError';
import { POSTER_DECODE_LIMITS } from '../src/shared/limits';
import { firstIssue } from '../src/shared/zodIssue';
import type { MovieResult } from './resultColumns';

export interface MovieInput {
  plot?: string;
  poster?: Uint8Array;
}

/** Classifies batches of movies; `close` frees what it holds. */
export interface CatalogueClassifier {
  classify(movies: MovieInput[]): Promise<MovieResult[]>;
  close(): Promise<void>;
  /** The model version answering (the committed models here; the service's answers name theirs). */
  describe(): string;
}

const plotOnly = z.object({ plot: plotField.optional() });

/**
 * The service's answer without the service: the committed models on onnxruntime-node through the shared
 * classifier (as `npm run evaluate` runs them), with the API's own checks and error codes.
 */
export async function localClassifier(): Promise<CatalogueClassifier> {
  const classifier = await loadNodeClassifier();
  async function one(movie: MovieInput): Promise<MovieResult> {
    const parsed = plotOnly.safeParse({ plot: movie.plot });
    if (!parsed.success) return { error: { code: 'invalid_request', message: firstIssue(parsed.error) } };
    const input = { plot: parsed.data.plot, poster: movie.poster };
    const problem = inputProblem(input);
    if (problem) return { error: problem };
    try {
      const image = input.poster && (await decodeImage(input.poster, POSTER_DECODE_LIMITS));
      return { answer: (await classifyAnswer(classifier, { plot: input.plot, image })).answer };
    } catch (err) {
      if (err instanceof ImageInputError) return { error: { code: err.code, message: err.message } };
      if (err instanceof PlotInputError) return { error: { code: 'invalid_plot', message: err.message } satisfies AnswerError };
      throw err;
    }
  }
  return {
    async classify(movies) {
      const results: MovieResult[] = [];
      for (const movie of movies) results.push(await one(movie));
      return results;
    },
    close: () => classifier.release(),
    describe: () => `the local models ${classifier.manifest.version}`,
  };
}
