import type { ImageParams } from '../src/shared/imageTensor';
import type { PlotFeatureParams } from '../src/shared/plotFeatures';
import type { BagModelConfig } from './train/bagModel';
import type { FusionConfig } from './train/fusion';

/** Everything `npm run train` decides, in one place; docs/decisions/ records what chose each value. */
export interface TrainConfig {
  text: {
    features: PlotFeatureParams;
    /** Buckets seen in fewer training plots than this are ignored. */
    minDf: number;
    model: BagModelConfig;
  };
  image: {
    params: ImageParams;
    head: BagModelConfig;
  };
  fusion: FusionConfig;
  /** β values the decision rule may take (decisionRule.ts). */
  ruleBetas: number[];
}

export const DEFAULT_CONFIG: TrainConfig = {
  text: {
    features: { buckets: 1 << 18, wordNgrams: [1, 2], charNgrams: [2, 3, 4, 5], maxWords: 1000 },
    minDf: 2,
    model: { dim: 32, dropout: 0.5, learningRate: 0.001, batchSize: 256, epochs: 6, patience: 2, tmdbWeight: 1, seed: 1 },
  },
  image: {
    params: { height: 192, width: 128, fit: 'squash', mean: 128, scale: 128 },
    head: { dim: 16, dropout: 0.3, learningRate: 0.001, batchSize: 128, epochs: 12, patience: 4, tmdbWeight: 1, seed: 2 },
  },
  fusion: { steps: 300, learningRate: 0.05, l2: 1e-3 },
  ruleBetas: [0, 0.25, 0.5, 0.75, 1],
};
