// `npm run feedback:export -- --out DIR [--remote] [--persist-to DIR]`: the corrections sent to POST /feedback
// as a data folder that `npm run train -- --extra DIR` trains on (docs/feedback.md).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { exportFeedback } from '../feedback/exportFeedback';
import { runCli, UsageError } from './args';

await runCli(async () => {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      remote: { type: 'boolean', default: false },
      'persist-to': { type: 'string' },
    },
  });
  if (!values.out) throw new UsageError('give the folder to write: --out DIR');
  if (values.remote && values['persist-to']) throw new UsageError('--persist-to is for the local database; leave it out with --remote');
  await exportFeedback({ out: resolve(values.out), remote: values.remote, persistTo: values['persist-to'] && resolve(values['persist-to']) });
});
