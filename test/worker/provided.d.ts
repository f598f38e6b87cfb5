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
    fixtures: Record<'jpeg' | 'png' | 'webp' | 'webpLossy' | 'webpLossyDwebp' | 'bmp' | 'truncatedJpeg' | 'bomb' | 'thin' | 'jpegOverBudget' | 'inflationBomb' | 'gif' | 'text', string>;
    reference: ReferenceCase[];
    /** base64 fusion_head.onnx with its weights halved: answers differently from the published one */
    fusionHeadVariant: string;
    posterServerPort: number;
  }
}
