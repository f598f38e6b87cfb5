// `npx tsx models/cli/labelCeiling.ts`: how far the first-genre label caps any classifier (evaluate/labelCeiling.ts).
import { labelCeiling } from '../evaluate/labelCeiling';
import { runCli } from './args';

await runCli(async () => console.log((await labelCeiling()).join('\n')));
