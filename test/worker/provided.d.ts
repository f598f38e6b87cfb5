// Values the worker project's global setup (test/support/workerGlobalSetup.ts, Node side) hands to tests in workerd.
import 'vitest';

export interface ReferenceCase {
  title: string;
  plot: string;
  /** base64 poster bytes */
  poster: string;
  /** onnxruntime-node outputs per head: genres in GENRES order, TMDB genres in TMDB_GENRES order */
  heads: Record<'fusion' | 'text' | 'image', { probs: number[]; tmdbProbs: number[] }>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** R2 key -> base64 bytes of every served model object */
    models: Record<string, string>;
    fixtures: Record<'jpeg' | 'png' | 'webp' | 'bmp' | 'truncatedJpeg' | 'bomb' | 'thin' | 'jpegOverBudget' | 'inflationBomb' | 'gif' | 'text', string>;
    reference: ReferenceCase[];
    posterServerPort: number;
  }
}
