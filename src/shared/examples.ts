import { z } from 'zod';
import { GENRES } from './labels';

/** One example movie in R2's `examples.json`: written by models/export/examples.ts, read by GET /examples. */
export const storedExampleSchema = z.object({
  id: z.number().int().positive(),
  title: z.string(),
  year: z.number().int().nullable(),
  /** The dataset's label of the movie. */
  genre: z.enum(GENRES),
  plot: z.string(),
  /** R2 key of the poster: `examples/<id>.jpg`. */
  posterKey: z.string().regex(/^examples\/\d+\.jpg$/),
});

export const storedExamplesSchema = z.object({
  /** Where the movies were picked from: the pipeline's test split, or a seeded pick when it was absent. */
  source: z.enum(['test-split', 'seeded']),
  examples: z.array(storedExampleSchema),
});

export type StoredExample = z.infer<typeof storedExampleSchema>;
export type StoredExamples = z.infer<typeof storedExamplesSchema>;
