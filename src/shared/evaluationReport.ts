import { z } from 'zod';

/** Figures of one head on the scored movies (models/evaluate/metrics.ts computes them). */
export const headMetricsSchema = z.object({
  count: z.number(),
  accuracy: z.number(),
  /** Mean per-class recall: the figure comparable to the original project's class-balanced test set. */
  balancedAccuracy: z.number(),
  macroF1: z.number(),
  perClass: z.record(z.string(), z.object({ precision: z.number(), recall: z.number(), f1: z.number(), support: z.number() })),
  /** confusion[true][predicted], in GENRES order. */
  confusion: z.array(z.array(z.number())),
  /** Accuracy per poster_source. */
  bySource: z.record(z.string(), z.object({ count: z.number(), accuracy: z.number() })).optional(),
});

/** On movies labelled Others: how often the top 3 of the 13 genres merged into Others hold one of the movie's own. */
export const othersTop3Schema = z.object({ movies: z.number(), hitRate: z.number() });

/**
 * How well one head's probabilities mean what they say, over its top genre (models/evaluate/calibration.ts):
 * the top probability's expected calibration error over 10 equal-width bins, the NLL of the true genre, and
 * the bins themselves, for a reliability diagram.
 */
export const calibrationSchema = z.object({
  ece: z.number(),
  nll: z.number(),
  bins: z.array(
    z.object({
      /** Top probabilities in [from, to); the last bin includes 1. */
      from: z.number(),
      to: z.number(),
      count: z.number(),
      /** The bin's mean top probability and the share of its answers that are right; null when empty. */
      confidence: z.number().nullable(),
      accuracy: z.number().nullable(),
    }),
  ),
});

/** `evaluation.json`: written by `npm run evaluate` / `npm run train`, published to R2, read by GET /model. */
export const evaluationReportSchema = z.object({
  modelVersion: z.string(),
  /** The dataset folder scored (a local path: not passed on by the API). */
  data: z.string(),
  /** `test split` on the training dataset; `all` or `unseen` on another folder. */
  rows: z.enum(['test split', 'all', 'unseen']),
  movies: z.number(),
  /** Rows left out because the models trained on them. */
  seenInTraining: z.number(),
  skipped: z.object({ noWords: z.number(), missingPoster: z.number(), undecodablePoster: z.number() }),
  fusion: headMetricsSchema,
  text: headMetricsSchema,
  image: headMetricsSchema,
  othersTop3: z.object({ fusion: othersTop3Schema, text: othersTop3Schema, image: othersTop3Schema }),
  calibration: z.object({ fusion: calibrationSchema, text: calibrationSchema, image: calibrationSchema }),
});

export type HeadCalibration = z.infer<typeof calibrationSchema>;
export type HeadMetrics = z.infer<typeof headMetricsSchema>;
export type EvaluationReport = z.infer<typeof evaluationReportSchema>;
