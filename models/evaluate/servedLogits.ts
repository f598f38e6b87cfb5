import type { ModelManifest } from '../../src/shared/modelManifest';
import { logSoftmax } from '../train/bagModel';
import { ruleBias } from '../train/decisionRule';

/**
 * The scripts that study the answers start from a head's `uncalibratedProbs`, softmax(logits + rule bias)
 * (graphs.ts): their logarithm is the logits plus the rule's bias, up to a constant.
 */
export const ruledLogits = (uncalibrated: ArrayLike<number>): Float32Array => Float32Array.from(uncalibrated, (p) => Math.log(Math.max(p, 1e-30)));

/** A head's own genre log-probabilities (before the rule): what the summed fusion adds up. */
export function ownLogProbs(manifest: ModelManifest, uncalibrated: ArrayLike<number>): Float32Array {
  const bias = ruleBias(manifest.rule);
  return logSoftmax(ruledLogits(uncalibrated).map((v, c) => v - bias[c]));
}

/** The summed fusion's uncalibrated answer (the heads' own log-probabilities added, then the rule) from the text and image answers. */
export function summedFusionProbs(manifest: ModelManifest, text: ArrayLike<number>, image: ArrayLike<number>): Float32Array {
  const bias = ruleBias(manifest.rule);
  const [t, i] = [ownLogProbs(manifest, text), ownLogProbs(manifest, image)];
  return logSoftmax(t.map((v, c) => v + i[c] + bias[c])).map(Math.exp);
}
