// `npm run evaluate -- --data DIR [--out FILE.json] [--svg FILE.svg] [--artifacts DIR]`: score the exported models.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { evaluateDataset, reportSvg } from '../evaluate/evaluate';
import { ARTIFACTS_DIR, sharedPaths } from '../paths';
import { runCli } from './args';

await runCli(async () => {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: sharedPaths().dataset },
      out: { type: 'string' },
      artifacts: { type: 'string', default: ARTIFACTS_DIR },
      svg: { type: 'string' },
    },
  });
  const report = await evaluateDataset(values.data, { artifactsDir: values.artifacts, progress: process.stderr.isTTY });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  if (values.out) {
    await writeFile(values.out, json);
    await writeFile(values.svg ?? values.out.replace(/\.json$/, '') + '.svg', reportSvg(report));
    console.error(`wrote ${values.out} (${report.movies} movies, ${report.rows}; ${report.seenInTraining} left out as seen in training)`);
  } else {
    process.stdout.write(json);
    if (values.svg) await writeFile(values.svg, reportSvg(report));
  }
});
