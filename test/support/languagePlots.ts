import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/** Plots written for the language detector's tests and benchmark: TMDB-style overviews in many languages, and hard English ones. */
const languagePlotsSchema = z.array(
  z.object({
    /** ISO 639-1. */
    language: z.string().length(2),
    /** typical: 30 to 60 words (fewer in languages that join words, such as Turkish or Korean); short: 8 to 15. */
    length: z.enum(['typical', 'short']),
    text: z.string().min(1),
    /** For an English plot: what makes it hard. */
    hard: z.string().optional(),
  }),
);
export type LanguagePlot = z.infer<typeof languagePlotsSchema>[number];

export const LANGUAGE_PLOTS_FILE = new URL('../fixtures/plots/plots.json', import.meta.url);

export async function languagePlots(): Promise<LanguagePlot[]> {
  return languagePlotsSchema.parse(JSON.parse(await readFile(LANGUAGE_PLOTS_FILE, 'utf8')));
}
