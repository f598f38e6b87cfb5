import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MOBILENET_IMAGE_PARAMS } from '../../src/shared/imageTensor';
import { argmax } from '../../models/evaluate/metrics';
import { FEATURES_OUTPUT, IMAGE_DIM, STYLE_BLOCKS, writeFeatureEncoder } from '../../models/features/featureEncoder';
import { ImageEncoder, posterTensor } from '../../models/features/imageEncoder';
import { sharedPaths } from '../../models/paths';

// The shared decode -> resize -> normalise path is right if the pretrained MobileNetV2 still
// recognises the classic ImageNet samples (centre crop, as the model was trained). Label lines
// list synonyms ("hotdog, hot dog, red hot"): the first name is compared.
const SAMPLES = {
  'cat.bmp': 'Egyptian cat',
  'grace_hopper.bmp': 'military uniform',
  'hot_dog.jpg': 'hotdog',
  'bird.bmp': 'chickadee',
};

describe('shared image preprocessing + MobileNetV2', () => {
  const paths = sharedPaths();
  let encoder: ImageEncoder;
  let labels: string[];
  beforeAll(async () => {
    encoder = await ImageEncoder.load(paths.mobilenet, { ...MOBILENET_IMAGE_PARAMS, fit: 'crop' });
    labels = (await readFile(paths.imagenetLabels, 'utf8')).split('\n').map((l) => l.trim());
  });
  afterAll(() => encoder.release());

  for (const [file, expected] of Object.entries(SAMPLES)) {
    it(`${file} is "${expected}"`, async () => {
      const tensor = await posterTensor(new Uint8Array(await readFile(join(paths.imagenetSamples, file))), encoder.params);
      const [probs] = await encoder.run([tensor], 'probs');
      expect(labels[argmax(probs)].split(',')[0]).toBe(expected);
    });
  }

  it('gives 1280-d features', async () => {
    const tensor = await posterTensor(new Uint8Array(await readFile(join(paths.imagenetSamples, 'hot_dog.jpg'))), encoder.params);
    const [features] = await encoder.run([tensor]);
    expect(features).toHaveLength(1280);
  });

  it("the served encoder is the same network cut to `features`, with the blocks' statistics after them, and no classifier", async () => {
    const servedPath = await writeFeatureEncoder();
    // The ImageNet classifier's 1.28M int8 weights are a third of the shared file.
    expect((await stat(servedPath)).size).toBeLessThan(0.7 * (await stat(paths.mobilenet)).size);
    const served = await ImageEncoder.load(servedPath, encoder.params);
    try {
      const tensors = await Promise.all(
        Object.keys(SAMPLES).map(async (file) => posterTensor(new Uint8Array(await readFile(join(paths.imagenetSamples, file))), encoder.params)),
      );
      const servedFeatures = await served.run(tensors, FEATURES_OUTPUT);
      const sharedFeatures = await encoder.run(tensors);
      servedFeatures.forEach((f, i) => {
        expect(f).toHaveLength(IMAGE_DIM);
        expect(f.subarray(0, 1280)).toEqual(sharedFeatures[i]);
        // After them each block's channel means, then its standard deviations: never negative, not all zero.
        let offset = 1280;
        for (const { channels } of STYLE_BLOCKS) {
          const std = f.subarray(offset + channels, offset + 2 * channels);
          expect(Math.min(...std)).toBeGreaterThanOrEqual(0);
          expect(Math.max(...std)).toBeGreaterThan(0);
          offset += 2 * channels;
        }
      });
      await expect(served.run(tensors, 'probs')).rejects.toThrow(/probs/);
    } finally {
      await served.release();
    }
  });
});
