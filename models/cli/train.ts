// `npm run train [-- --data DIR --text-data DIR|none --extra DIR... --out DIR --cache DIR --seed N --no-evaluate
//   --char-ngrams 2,3,4,5|none --image-size HxW --poster-features all|final --text-epochs N]`: the whole pipeline
//   (models/train/pipeline.ts); the flags select the variants that docs/decisions/ compares. `--extra` (repeatable)
//   adds a folder of training-only rows, such as the corrections `npm run feedback:export` writes.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CONFIG, type TrainConfig } from '../config';
import { manifestFile } from '../data/dataset';
import { runSummaryLines, trainAll } from '../train/pipeline';
import { ARTIFACTS_DIR, PROJECT_ROOT, sharedPaths } from '../paths';
import { integer, runCli, UsageError } from './args';

function ngrams(value: string): number[] {
  if (value === 'none') return [];
  const list = value.split(',').map((v) => integer('char-ngrams', v.trim(), 0, 1, 10));
  if (list.length === 0) throw new UsageError('--char-ngrams must be a comma-separated list of lengths, or none');
  return list;
}

function posterFeatures(value: string): TrainConfig['image']['features'] {
  if (value !== 'all' && value !== 'final') throw new UsageError(`--poster-features must be all or final, got "${value}"`);
  return value;
}

function imageSize(value: string): { height: number; width: number } {
  const m = /^(\d+)x(\d+)$/.exec(value);
  if (!m || Number(m[1]) % 32 || Number(m[2]) % 32 || !Number(m[1]) || !Number(m[2])) throw new UsageError(`--image-size must be HEIGHTxWIDTH, multiples of 32, got "${value}"`);
  return { height: Number(m[1]), width: Number(m[2]) };
}

await runCli(async () => {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: sharedPaths().dataset },
      'text-data': { type: 'string', default: sharedPaths().textDataset },
      extra: { type: 'string', multiple: true, default: [] },
      out: { type: 'string', default: ARTIFACTS_DIR },
      cache: { type: 'string', default: join(PROJECT_ROOT, 'models', 'cache') },
      seed: { type: 'string' },
      'char-ngrams': { type: 'string', default: DEFAULT_CONFIG.text.features.charNgrams.join(',') },
      'image-size': { type: 'string', default: `${DEFAULT_CONFIG.image.params.height}x${DEFAULT_CONFIG.image.params.width}` },
      'text-epochs': { type: 'string' },
      'poster-features': { type: 'string', default: DEFAULT_CONFIG.image.features },
      'no-evaluate': { type: 'boolean', default: false },
    },
  });
  const config: TrainConfig = {
    ...DEFAULT_CONFIG,
    text: {
      ...DEFAULT_CONFIG.text,
      features: { ...DEFAULT_CONFIG.text.features, charNgrams: ngrams(values['char-ngrams']) },
      model: { ...DEFAULT_CONFIG.text.model, epochs: integer('text-epochs', values['text-epochs'], DEFAULT_CONFIG.text.model.epochs, 1, 100) },
    },
    image: { ...DEFAULT_CONFIG.image, params: { ...DEFAULT_CONFIG.image.params, ...imageSize(values['image-size']) }, features: posterFeatures(values['poster-features']) },
  };
  const extra = values.extra.map((dir) => resolve(dir));
  for (const dir of extra) if (!existsSync(manifestFile(dir))) throw new UsageError(`--extra ${dir} has no manifest.csv`);
  const { run } = await trainAll({
    data: resolve(values.data),
    textData: values['text-data'] === 'none' ? undefined : resolve(values['text-data']),
    extra,
    out: resolve(values.out),
    cache: resolve(values.cache),
    seed: integer('seed', values.seed, 42, 0, 2 ** 31 - 1),
    config,
    evaluate: !values['no-evaluate'],
    progress: process.stderr.isTTY,
  });
  console.log(runSummaryLines(run).join('\n'));
});
