// `npx tsx models/cli/warningThresholds.ts [--data DIR] [--artifacts DIR] [--out FILE.json]`: the measurements
//   behind src/shared/warningThresholds.ts (docs/decisions/answer-warnings.md), on the validation split.
import { writeFile } from 'node:fs/promises';
import { PlotInputError, type HeadOutput, type HeadOutputs } from '../../src/shared/classifier';
import { plotWords } from '../../src/shared/plotFeatures';
import { answerFigures, confidenceBins, firstWords, lowConfidenceEdge, shortestUseful, type AnswerFigures } from '../evaluate/answerWarnings';
import { HEADS, readPoster, splitMovies } from '../evaluate/evaluate';
import { loadNodeClassifier } from '../evaluate/nodeClassifier';
import { summedFusionProbs } from '../evaluate/servedLogits';
import { runCli, splitStudyFlags } from './args';

/** Plot lengths measured: each validation plot of at least that many words, cut after them. */
const LENGTHS = [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30];
/** Natural plot lengths (words), for the uncut plots. */
const NATURAL = [
  [1, 20],
  [21, 30],
  [31, 40],
  [41, 60],
  [61, 100],
  [101, Infinity],
];

await runCli(async () => {
  const values = splitStudyFlags();
  const movies = await splitMovies(values.data, 'validation', values.artifacts);
  const classifier = await loadNodeClassifier({ artifactsDir: values.artifacts, threads: 2 });
  const { manifest } = classifier;
  const rows: { label: number; words: number; full: HeadOutputs; cut: Map<number, HeadOutput | null> }[] = [];
  try {
    for (const movie of movies) {
      const poster = await readPoster(movie);
      const image = typeof poster === 'string' ? undefined : poster;
      const words = plotWords(movie.overview).length;
      let full;
      try {
        full = await classifier.heads({ plot: movie.overview, image });
      } catch (err) {
        if (err instanceof PlotInputError) continue;
        throw err;
      }
      const cut = new Map<number, HeadOutput | null>();
      for (const n of LENGTHS.filter((n) => n < words)) {
        try {
          cut.set(n, (await classifier.heads({ plot: firstWords(movie.overview, n) })).text!);
        } catch (err) {
          if (!(err instanceof PlotInputError)) throw err;
          cut.set(n, null); // none of its first n words is known: the service answers 400 invalid_plot
        }
      }
      rows.push({ label: movie.label, words, full, cut });
    }
  } finally {
    await classifier.release();
  }

  // A cut plot's fusion answer is rebuilt from its text answer and the poster's (the summed fusion, before
  // calibration): check that the rebuilt answer is the served one on the whole plots first.
  const worst = Math.max(...rows.filter((r) => r.full.fusion).map((r) => Math.max(...summedFusionProbs(manifest, r.full.text!.uncalibratedProbs, r.full.image!.uncalibratedProbs).map((p, c) => Math.abs(p - r.full.fusion!.uncalibratedProbs[c])))));
  if (worst > 1e-4) throw new Error(`the fusion answer is not the summed fusion of the text and image answers (differs by ${worst}): cannot rebuild it for cut plots`);

  const byLength = LENGTHS.map((n) => {
    const at = rows.filter((r) => r.words >= n);
    const text = (r: (typeof at)[number]) => (r.words === n ? r.full.text! : r.cut.get(n));
    const read = at.filter((r) => text(r));
    const withPoster = read.filter((r) => r.full.image);
    return {
      words: n,
      plots: at.length,
      unreadable: at.length - read.length,
      plot: answerFigures(read.map((r) => text(r)!.probs), read.map((r) => r.label)),
      // Rebuilt before calibration: its ranking, so its balanced accuracy and accuracy, are the served answer's.
      plotAndPoster: answerFigures(withPoster.map((r) => summedFusionProbs(manifest, text(r)!.uncalibratedProbs, r.full.image!.uncalibratedProbs)), withPoster.map((r) => r.label)),
      poster: answerFigures(withPoster.map((r) => r.full.image!.probs), withPoster.map((r) => r.label)),
    };
  });
  const whole = (list: typeof rows) => ({
    plot: answerFigures(list.map((r) => r.full.text!.probs), list.map((r) => r.label)),
    plotAndPoster: answerFigures(list.filter((r) => r.full.fusion).map((r) => r.full.fusion!.probs), list.filter((r) => r.full.fusion).map((r) => r.label)),
  });
  const natural = NATURAL.map(([from, to]) => ({ from, to, ...whole(rows.filter((r) => r.words >= from && r.words <= to)) }));
  const confidence = Object.fromEntries(
    HEADS.map((head) => {
      const list = rows.filter((r) => r.full[head]);
      const bins = confidenceBins(list.map((r) => r.full[head]!.probs), list.map((r) => r.label));
      return [head, { lowConfidenceEdge: lowConfidenceEdge(bins), bins }];
    }),
  );
  const plotTooShort = { plotOnly: shortestUseful(byLength, (r) => r.plot), withPoster: shortestUseful(byLength, (r) => r.plotAndPoster) };
  const result = { modelVersion: manifest.version, split: 'validation', movies: rows.length, plotTooShort, byLength, natural, confidence };
  if (values.out) await writeFile(values.out, `${JSON.stringify(result, null, 2)}\n`);

  const f = (x: number | null) => (x === null ? '-' : x.toFixed(3));
  const fig = (a: AnswerFigures) => `${f(a.balancedAccuracy)} / ${f(a.accuracy)} / ${f(a.meanTop)} / ${f(a.ece)}`;
  const rank = (a: AnswerFigures) => `${f(a.balancedAccuracy)} / ${f(a.accuracy)}`;
  console.log(`model ${manifest.version}, validation split, ${rows.length} movies with a readable plot`);
  console.log('\nEach plot of at least N words cut after its first N words (balanced accuracy / accuracy / mean top probability / ECE; plot + poster: balanced accuracy / accuracy):\n');
  console.log('| words | plots | no known word | plot only | plot + poster | poster only |\n|---|---|---|---|---|---|');
  for (const r of byLength) console.log(`| ${r.words} | ${r.plots} | ${r.unreadable} | ${fig(r.plot)} | ${rank(r.plotAndPoster)} | ${fig(r.poster)} |`);
  console.log('\nWhole plots by their length (words; balanced accuracy / accuracy / mean top probability / ECE):\n');
  console.log('| words | plots | plot only | plot + poster |\n|---|---|---|---|');
  for (const r of natural) console.log(`| ${r.from}-${r.to === Infinity ? '' : r.to} | ${r.plot.answers} | ${fig(r.plot)} | ${fig(r.plotAndPoster)} |`);
  console.log('\nAccuracy of the top genre by its probability (bins 0.05 wide; answers / accuracy):\n');
  console.log(`| top probability | ${HEADS.join(' | ')} |\n|---|---|---|---|`);
  confidence.fusion.bins.forEach((b, k) => {
    if (HEADS.some((h) => confidence[h].bins[k].count)) console.log(`| ${b.from.toFixed(2)}-${b.to.toFixed(2)} | ${HEADS.map((h) => `${confidence[h].bins[k].count} / ${f(confidence[h].bins[k].accuracy)}`).join(' | ')} |`);
  });
  console.log(`\nplot_too_short: from ${plotTooShort.plotOnly} words on, the plot-only answer is as good as the poster-only one; with a poster, from ${plotTooShort.withPoster} words on the plot no longer pulls the answer below the poster's`);
  console.log(`low_confidence: the top genre is right less than half the time below ${HEADS.map((h) => `${h} ${confidence[h].lowConfidenceEdge}`).join(', ')}`);
});
