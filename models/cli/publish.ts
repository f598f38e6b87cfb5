// `npm run models:publish [-- --remote | --persist-to DIR | --if-stale | --artifacts DIR]`: upload the models to R2.
import { parseArgs } from 'node:util';
import { ARTIFACTS_DIR } from '../paths';
import { publish } from '../publish/publish';
import { runCli } from './args';

await runCli(async () => {
  const { values } = parseArgs({
    options: {
      remote: { type: 'boolean', default: false },
      'persist-to': { type: 'string' },
      'if-stale': { type: 'boolean', default: false },
      artifacts: { type: 'string', default: ARTIFACTS_DIR },
    },
  });
  await publish({ artifactsDir: values.artifacts, remote: values.remote, persistTo: values['persist-to'], ifStale: values['if-stale'] });
});
