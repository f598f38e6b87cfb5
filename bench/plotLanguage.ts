/**
 * `npm run bench:language` (`npx tsx bench/plotLanguage.ts`): the language-identification libraries measured for the `plot_not_english`
 * warning, and the detector chosen among them (`src/shared/plotLanguage.ts`). Prints Markdown tables; asserts
 * nothing. Only franc-min is a dependency; the others are measured when installed without saving, e.g.
 * `npm install --no-save eld@2.1.0 franc@6.2.0 franc-all@7.2.0 tinyld@1.3.4 languagedetect@2.0.0 lande@1.0.10 @nlpjs/language@4.25.0 cld3-asm@4.0.0`
 * (`npm ci` removes them again), and skipped otherwise. docs/decisions/plot-language.md reads the figures.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadDataset, type Movie } from '../models/data/dataset';
import { readSplit } from '../models/data/split';
import { ARTIFACTS_DIR, PROJECT_ROOT, sharedPaths } from '../models/paths';
import type { PlotLanguage } from '../src/shared/plotLanguage';
import { languagePlots, type LanguagePlot } from '../test/support/languagePlots';

const exec = promisify(execFile);

/** A candidate's answer for a text: a language code (ISO 639-1 or -3, or a name), '' or 'und' for none. */
type Detect = (text: string) => string;
// The candidates are optional installs, loaded by a computed name so that the type check needs none of them.
const importOptional = (name: string): Promise<any> => import(name);
const requireOptional = createRequire(import.meta.url);

interface Candidate {
  name: string;
  /** The npm package, for its version and for whether it is installed. */
  pkg: string;
  load: () => Promise<Detect>;
  /** The entry of a scratch Worker that uses it, for the bundle size. */
  worker: string;
  /** Why it cannot run in workerd, if it cannot. */
  notInWorkerd?: string;
}

const fetchHandler = (call: string) => `export default { fetch: (req) => new Response(String(${call})) };`;
const eldSize = (size: string): Candidate => ({
  name: `eld/${size}`,
  pkg: 'eld',
  load: async () => {
    const { eld } = await importOptional(`eld/${size}`);
    return (text) => eld.detect(text).language;
  },
  worker: `import { eld } from 'eld/${size}';\n${fetchHandler("eld.detect('x').language")}`,
});
const franc = (pkg: string): Candidate => ({
  name: pkg,
  pkg,
  load: async () => (await importOptional(pkg)).franc,
  worker: `import { franc } from '${pkg}';\n${fetchHandler("franc('x')")}`,
});
const tinyld = (variant: string): Candidate => {
  const spec = variant === 'normal' ? 'tinyld' : `tinyld/${variant}`;
  return {
    name: `tinyld (${variant})`,
    pkg: 'tinyld',
    load: async () => (await importOptional(spec)).detect,
    worker: `import { detect } from '${spec}';\n${fetchHandler("detect('x')")}`,
  };
};

const CANDIDATES: Candidate[] = [
  ...['extrasmall', 'small', 'medium', 'large'].map(eldSize),
  ...['franc-min', 'franc', 'franc-all'].map(franc),
  ...['light', 'normal', 'heavy'].map(tinyld),
  {
    name: 'languagedetect',
    pkg: 'languagedetect',
    load: async () => {
      const LanguageDetect = requireOptional('languagedetect');
      const detector = new LanguageDetect();
      detector.setLanguageType('iso2');
      return (text) => detector.detect(text, 1)[0]?.[0] ?? '';
    },
    worker: `import LanguageDetect from 'languagedetect';\n${fetchHandler("new LanguageDetect().detect('x', 1)")}`,
  },
  {
    name: 'lande',
    pkg: 'lande',
    load: async () => {
      const lande = (await importOptional('lande')).default;
      return (text) => lande(text)[0]?.[0] ?? '';
    },
    worker: `import lande from 'lande';\n${fetchHandler("lande('x')[0][0]")}`,
  },
  {
    name: '@nlpjs/language',
    pkg: '@nlpjs/language',
    load: async () => {
      const { Language } = requireOptional('@nlpjs/language');
      const language = new Language();
      return (text) => language.guessBest(text)?.alpha2 ?? '';
    },
    worker: `import nlp from '@nlpjs/language';\n${fetchHandler("new nlp.Language().guessBest('x').alpha2")}`,
  },
  {
    name: 'cld3-asm',
    pkg: 'cld3-asm',
    load: async () => {
      const { loadModule } = requireOptional('cld3-asm');
      const identifier = (await loadModule()).create(0, 1000);
      return (text) => identifier.findLanguage(text).language;
    },
    worker: `import { loadModule } from 'cld3-asm';\nconst f = await loadModule();\n${fetchHandler("f.create(0, 1000).findLanguage('x').language")}`,
    notInWorkerd: 'compiles its WebAssembly from bytes embedded in its JS',
  },
];

const isEnglish = (code: string) => code === 'en' || code === 'eng' || code === 'english';
const flags = (code: string) => code !== '' && code !== 'und' && !isEnglish(code);

const packageVersion = async (pkg: string): Promise<string | undefined> => {
  const file = join(PROJECT_ROOT, 'node_modules', pkg, 'package.json');
  return existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as { version: string }).version : undefined;
};

const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(2)}%`;
const share = (n: number, of: number) => `${n} / ${of} (${pct(n, of)})`;

/** The first `n` words of a text, as the detector counts words; undefined when it has fewer. */
function firstWords(text: string, n: number): string | undefined {
  let seen = 0;
  for (const segment of new Intl.Segmenter('und', { granularity: 'word' }).segment(text)) {
    if (segment.isWordLike && ++seen === n) return text.slice(0, segment.index + segment.segment.length);
  }
  return undefined;
}

interface Data {
  test: Movie[];
  validation: Movie[];
  fixture: LanguagePlot[];
}

async function loadData(): Promise<Data> {
  const split = await readSplit(join(ARTIFACTS_DIR, 'split.json'));
  const movies = await loadDataset(sharedPaths().dataset);
  const part = (ids: number[]) => {
    const wanted = new Set(ids);
    return movies.filter((m) => wanted.has(m.tmdbId));
  };
  return { test: part(split.test), validation: part(split.validation), fixture: await languagePlots() };
}

interface Load {
  loadMs: number;
  heapMiB: number;
}

/** `--load NAME`, in a process of its own: the time to import a candidate and call it once, and the V8 heap it keeps. */
async function loadFigures(candidate: Candidate): Promise<Load> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('--load needs node --expose-gc');
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const detect = await candidate.load();
  detect('A first call, so that anything built lazily is built.');
  const loadMs = performance.now() - started;
  gc();
  return { loadMs, heapMiB: (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20 };
}

async function loadInChild(candidate: Candidate): Promise<Load> {
  const args = ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--load', candidate.name];
  const { stdout } = await exec(process.execPath, args, { cwd: PROJECT_ROOT });
  return JSON.parse(stdout) as Load;
}

interface Figures extends Load {
  testFlagged: number;
  hardFlagged: string[];
  /** Non-English fixture plots flagged, per length. */
  typical: [number, number];
  short: [number, number];
  microsPerPlot: number;
}

/** Classifies the test split and the fixture with a candidate; its load is measured in a fresh process. */
async function measure(candidate: Candidate, data: Data): Promise<Figures> {
  const load = await loadInChild(candidate);
  const detect = await candidate.load();
  const plots = data.test.map((m) => m.overview);
  plots.forEach(detect); // warm-up pass
  const t = performance.now();
  const testFlagged = plots.filter((p) => flags(detect(p))).length;
  const microsPerPlot = ((performance.now() - t) * 1000) / plots.length;
  const foreign = data.fixture.filter((p) => p.language !== 'en');
  const count = (length: LanguagePlot['length']): [number, number] => {
    const some = foreign.filter((p) => p.length === length);
    return [some.filter((p) => flags(detect(p.text))).length, some.length];
  };
  const hardFlagged = data.fixture.filter((p) => p.language === 'en' && flags(detect(p.text))).map((p) => p.hard ?? p.text);
  return { ...load, testFlagged, hardFlagged, typical: count('typical'), short: count('short'), microsPerPlot };
}

/** gzip KiB of a scratch Worker bundled by `wrangler deploy --dry-run` with the project's settings. */
async function workerGzipKiB(entry: string): Promise<number> {
  // Inside the project, so that the entry's imports resolve from its node_modules.
  const dir = join(PROJECT_ROOT, 'node_modules', '.cache', 'plot-language-bench');
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, 'out'), { recursive: true });
  await writeFile(join(dir, 'entry.js'), entry);
  await writeFile(
    join(dir, 'wrangler.toml'),
    'name = "plot-language-bench"\nmain = "entry.js"\ncompatibility_date = "2026-08-01"\ncompatibility_flags = ["nodejs_compat"]\nminify = true\n',
  );
  try {
    const { stdout } = await exec(join(PROJECT_ROOT, 'node_modules', '.bin', 'wrangler'), ['deploy', '--dry-run', '--outdir', 'out'], {
      cwd: dir,
      env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' },
    });
    const m = /Total Upload: [\d.]+ KiB \/ gzip: ([\d.]+) KiB/.exec(stdout);
    if (!m) throw new Error(`no size line in wrangler output:\n${stdout}`);
    return Number(m[1]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function candidatesTable(data: Data): Promise<void> {
  const baseKiB = await workerGzipKiB(fetchHandler("'x'"));
  const foreign = data.fixture.filter((p) => p.language !== 'en');
  const hard = data.fixture.filter((p) => p.language === 'en');
  console.log(`## Candidates: a plot is flagged when the library's top language is not English\n`);
  console.log(
    `Test split: ${data.test.length} plots (one, tmdb_id 22623, is in French). Fixture: ${hard.length} hard English plots, ` +
      `${foreign.length} in ${new Set(foreign.map((p) => p.language)).size} other languages. No length floor. ` +
      `CPU: mean over the test split in this process, after a warm-up pass. Load: import and first call. ` +
      `Heap: V8 heap kept after load (after gc). Bundle: gzip added to an empty Worker by \`wrangler deploy --dry-run\`.\n`,
  );
  console.log('| candidate | test split flagged | hard English flagged | other languages flagged: typical / short | CPU per plot | load | heap | bundle gzip | runs in workerd |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const candidate of CANDIDATES) {
    const version = await packageVersion(candidate.pkg);
    if (!version) {
      console.log(`| ${candidate.name} | not installed (\`npm install --no-save ${candidate.pkg}\`) | | | | | | | |`);
      continue;
    }
    const f = await measure(candidate, data);
    const bundle = (await workerGzipKiB(candidate.worker)) - baseKiB;
    console.log(
      `| ${candidate.name} ${version} | ${share(f.testFlagged, data.test.length)} | ${f.hardFlagged.length} / ${hard.length}` +
        `${f.hardFlagged.length ? ` (${f.hardFlagged.join('; ')})` : ''} | ${f.typical[0]} / ${f.typical[1]}, ${f.short[0]} / ${f.short[1]} | ` +
        `${f.microsPerPlot.toFixed(0)} µs | ${f.loadMs.toFixed(0)} ms | ${f.heapMiB.toFixed(1)} MiB | +${bundle.toFixed(0)} KiB | ${candidate.notInWorkerd ? `no: ${candidate.notInWorkerd}` : 'yes'} |`,
    );
  }
}

/** English plots cut to their first n words against the fixture's other plots cut the same way, under four rules. */
async function floorTable(data: Data): Promise<void> {
  const { francAll } = await import('franc-min');
  const english = data.validation.map((m) => m.overview);
  const foreign = data.fixture.filter((p) => p.language !== 'en').map((p) => p.text);
  /** English's score over the top language's; undefined when the top language is English (or none). */
  const ratio = (text: string) => {
    const scores = francAll(text, { minLength: 1 });
    const [top, score] = scores[0];
    if (!flags(top)) return undefined;
    return (scores.find(([code]) => code === 'eng')?.[1] ?? 0) / score;
  };
  // Flagged when English is below this share of the top language (Infinity: whenever the top language is not English).
  const shares = [Infinity, 0.7, 0.8, 0.9];
  const label = (share: number) => (share === Infinity ? 'top language not English' : `English below ${share} of the top`);
  console.log(`\n## Short text: franc-min on the first n words of a plot\n`);
  console.log(
    `English: the ${english.length} plots of the validation split; other languages: the fixture's ${foreign.length}. ` +
      `Words as \`countWords\` in src/shared/plotLanguage.ts counts them. A plot with fewer than n words is left out. ` +
      `Each cell: English plots flagged / other plots flagged.\n`,
  );
  console.log(`| n | ${shares.map(label).join(' | ')} |`);
  console.log(`|---|${shares.map(() => '---').join('|')}|`);
  for (const n of [5, 8, 10, 15, 20, 25, 30]) {
    const cut = (texts: string[]) => texts.map((t) => firstWords(t, n)).filter((t): t is string => t !== undefined);
    const [e, f] = [cut(english).map(ratio), cut(foreign).map(ratio)];
    const flagged = (rs: (number | undefined)[], share: number) => rs.filter((r) => r !== undefined && r < share).length;
    console.log(`| ${n} | ${shares.map((x) => `${pct(flagged(e, x), e.length)} / ${pct(flagged(f, x), f.length)}`).join(' | ')} |`);
  }
}

/** The shipped detector: the test split, the fixture by language, and real plots of every length. */
async function shippedTables(data: Data): Promise<void> {
  const { plotLanguage, NOT_ENGLISH_BELOW, LONG_PLOT_WORDS, PLOT_LANGUAGE_MIN_WORDS } = await import('../src/shared/plotLanguage');
  const answers = new Map<string, PlotLanguage>();
  const texts = [...data.test.map((m) => m.overview), ...data.validation.map((m) => m.overview), ...data.fixture.map((p) => p.text)];
  for (const text of texts) answers.set(text, plotLanguage(text));
  const notEnglish = (text: string) => {
    const r = answers.get(text)!;
    return r.judged && !r.english;
  };
  const flaggedTest = data.test.filter((m) => notEnglish(m.overview));
  const unjudgedTest = data.test.filter((m) => !answers.get(m.overview)!.judged).length;
  console.log(
    `\n## The detector: src/shared/plotLanguage.ts (franc-min, at least ${PLOT_LANGUAGE_MIN_WORDS} words, English below ` +
      `${NOT_ENGLISH_BELOW.short} of the top under ${LONG_PLOT_WORDS} words, below ${NOT_ENGLISH_BELOW.long} from there)\n`,
  );
  const flaggedValidation = data.validation.filter((m) => notEnglish(m.overview));
  console.log(`Validation split: ${share(flaggedValidation.length, data.validation.length)} flagged (tmdb_id ${flaggedValidation.map((m) => m.tmdbId).join(', ') || 'none'}).`);
  console.log(
    `Test split: ${share(flaggedTest.length, data.test.length)} flagged (tmdb_id ${flaggedTest.map((m) => m.tmdbId).join(', ') || 'none'}), ` +
      `${unjudgedTest} not judged (too short).`,
  );
  const hard = data.fixture.filter((p) => p.language === 'en');
  const hardFlagged = hard.filter((p) => notEnglish(p.text));
  console.log(`Hard English plots flagged: ${hardFlagged.length} / ${hard.length}${hardFlagged.map((p) => ` (${p.hard})`).join('')}.\n`);
  console.log('| language | typical plots flagged | short plots flagged | short plots not judged (too short) | named as |');
  console.log('|---|---|---|---|---|');
  const languages = [...new Set(data.fixture.map((p) => p.language))].filter((l) => l !== 'en');
  const total = { typical: [0, 0], short: [0, 0], unjudged: 0 };
  for (const language of languages) {
    const of = (length: LanguagePlot['length']) => data.fixture.filter((p) => p.language === language && p.length === length);
    const [typical, short] = [of('typical'), of('short')];
    const flagged = [typical.filter((p) => notEnglish(p.text)).length, short.filter((p) => notEnglish(p.text)).length];
    const unjudged = short.filter((p) => !answers.get(p.text)!.judged).length;
    const named = new Set([...typical, ...short].map((p) => answers.get(p.text)!).map((r) => (r.judged ? r.language : '(not judged)')));
    total.typical[0] += flagged[0];
    total.typical[1] += typical.length;
    total.short[0] += flagged[1];
    total.short[1] += short.length;
    total.unjudged += unjudged;
    console.log(`| ${language} | ${flagged[0]} / ${typical.length} | ${flagged[1]} / ${short.length} | ${unjudged} | ${[...named].join(', ')} |`);
  }
  console.log(`| **all** | ${total.typical[0]} / ${total.typical[1]} | ${total.short[0]} / ${total.short[1]} | ${total.unjudged} | |`);

  const text = await loadDataset(sharedPaths().textDataset);
  const plots = [...(await loadDataset(sharedPaths().dataset)), ...text].map((m) => m.overview);
  const buckets: [string, number, number][] = [
    ['under 8', 0, 7],
    ['8-9', 8, 9],
    ['10-11', 10, 11],
    ['12-14', 12, 14],
    ['15-19', 15, 19],
    ['20-29', 20, 29],
    ['30 or more', 30, Infinity],
  ];
  const rows = buckets.map(() => ({ n: 0, flagged: 0 }));
  const started = performance.now();
  for (const plot of plots) {
    const r = plotLanguage(plot);
    const row = rows[buckets.findIndex(([, lo, hi]) => r.words >= lo && r.words <= hi)];
    row.n++;
    if (r.judged && !r.english) row.flagged++;
  }
  const micros = ((performance.now() - started) * 1000) / plots.length;
  console.log(
    `\nAll ${plots.length} plots of data/movies and data/movies-text (TMDB's English overviews; a few are in another language), ` +
      `by length; ${micros.toFixed(0)} µs per plot, word count included:\n`,
  );
  console.log('| words | plots | flagged |');
  console.log('|---|---|---|');
  buckets.forEach(([label], i) => console.log(`| ${label} | ${rows[i].n} | ${share(rows[i].flagged, rows[i].n || 1)} |`));
}

// The detector and franc-min are imported only where they are used, so that a `--load` process measures one candidate alone.
if (process.argv[2] === '--load') {
  const candidate = CANDIDATES.find((c) => c.name === process.argv[3]);
  if (!candidate) throw new Error(`no candidate ${process.argv[3]}`);
  console.log(JSON.stringify(await loadFigures(candidate)));
} else {
  const data = await loadData();
  console.log(`Measured ${new Date().toISOString().slice(0, 10)}, Node ${process.version}.\n`);
  await candidatesTable(data);
  await floorTable(data);
  await shippedTables(data);
}
