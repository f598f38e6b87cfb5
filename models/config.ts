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
    /** `all`: MobileNetV2's pooled features and the style statistics of its blocks; `final`: the pooled 1280 only. */
    features: 'all' | 'final';
    head: BagModelConfig;
  };
  fusion: FusionConfig;
  /** β values the decision rule may take, and the macro-F1 it must keep on validation (decisionRule.ts). */
  rule: { betas: number[]; minMacroF1: number };
}

export const DEFAULT_CONFIG: TrainConfig = {
  text: {
    features: { buckets: 1 << 18, wordNgrams: [1, 2], charNgrams: [2, 3, 4, 5], maxWords: 1000 },
    minDf: 2,
    model: { dim: 32, dropout: 0.5, learningRate: 0.001, batchSize: 256, epochs: 6, patience: 2, tmdbWeight: 4, seed: 1 },
  },
  image: {
    params: { height: 192, width: 128, fit: 'squash', mean: 128, scale: 128 },
    features: 'all',
    head: { dim: 64, dropout: 0.5, learningRate: 0.0003, batchSize: 128, epochs: 12, patience: 4, tmdbWeight: 1, seed: 2 },
  },
  fusion: { steps: 300, learningRate: 0.05, l2: 1e-3 },
  rule: { betas: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1], minMacroF1: 0.5 },
};
