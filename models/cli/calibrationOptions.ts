// `npx tsx models/cli/calibrationOptions.ts [--data DIR] [--artifacts DIR] [--out FILE.json]`: the calibration
//   options of docs/decisions/model-calibration.md, fitted on the validation split and scored there
//   (cross-fitted) and on the test split, from the served models' answers.
import { writeFile } from 'node:fs/promises';
import type { ModelManifest } from '../../src/shared/modelManifest';
import { DEFAULT_CONFIG } from '../config';
import { classifyMovies, HEADS, splitMovies, type Head, type HeadResults } from '../evaluate/evaluate';
import { ownLogProbs, ruledLogits } from '../evaluate/servedLogits';
import { calibrationOptions, compareOptions, type AnswerRow } from '../train/calibrationOptions';
import { runCli, splitStudyFlags } from './args';

/** Each answer's ruled logits, and for fusion the heads' own log-probabilities of the same movie. */
function answerRows(manifest: ModelManifest, answers: HeadResults): Record<Head, AnswerRow[]> {
  const byId = (head: Head) => new Map(answers[head].map((r) => [r.movie.tmdbId, r.out.uncalibratedProbs]));
  const [text, image] = [byId('text'), byId('image')];
  return Object.fromEntries(
    HEADS.map((head) => [
      head,
      answers[head].map(({ movie, out }) => ({
        ruled: ruledLogits(out.uncalibratedProbs),
        label: movie.label,
        ...(head === 'fusion' && { text: ownLogProbs(manifest, text.get(movie.tmdbId)!), image: ownLogProbs(manifest, image.get(movie.tmdbId)!) }),
      })),
    ]),
  ) as Record<Head, AnswerRow[]>;
}

await runCli(async () => {
  const values = splitStudyFlags();
  const progress = process.stderr.isTTY;
  const run = async (part: 'validation' | 'test') => classifyMovies(await splitMovies(values.data, part, values.artifacts), { artifactsDir: values.artifacts, progress });
  const [validation, test] = [await run('validation'), await run('test')];
  const manifest = validation.manifest;
  const [valRows, testRows] = [answerRows(manifest, validation.results), answerRows(manifest, test.results)];
  const options = Object.fromEntries(
    HEADS.map((head) => [head, compareOptions(calibrationOptions(manifest.rule, DEFAULT_CONFIG, head === 'fusion'), valRows[head], testRows[head])]),
  ) as Record<Head, ReturnType<typeof compareOptions>>;
  if (values.out) await writeFile(values.out, `${JSON.stringify({ modelVersion: manifest.version, calibration: manifest.calibration, options }, null, 2)}\n`);
  const f = (x: number) => x.toFixed(3);
  console.log(`model ${manifest.version}; validation cross-fitted / test\n`);
  console.log('| answer | option | ECE | NLL | balanced accuracy | accuracy | top genre changed |\n|---|---|---|---|---|---|---|');
  for (const head of HEADS) {
    for (const [name, { validation: v, test: t }] of Object.entries(options[head])) {
      console.log(`| ${head} | ${name} | ${f(v.ece)} / ${f(t.ece)} | ${f(v.nll)} / ${f(t.nll)} | ${f(v.balancedAccuracy)} / ${f(t.balancedAccuracy)} | ${f(v.accuracy)} / ${f(t.accuracy)} | ${f(v.topChanged)} / ${f(t.topChanged)} |`);
    }
  }
});
