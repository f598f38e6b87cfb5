import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { errorBody, errorContent } from '../apiError';
import type { AppEnv } from '../env';
import { servedManifest } from '../modelStore';
import { evaluationReportSchema } from '../shared/evaluationReport';
import { storedExampleSchema, storedExamplesSchema, type StoredExamples } from '../shared/examples';
import { LIMITS } from '../shared/limits';
import { plotLength, wordSpans } from '../shared/plotText';

/**
 * Worker routes the web page (public/) needs beyond /predict: the example movies published to R2 by
 * `models/export/examples.ts`, and the model version with its evaluation figures for "How it works".
 * The page's files are wrangler's static assets; only "/" passes through here (see wrangler.toml).
 */

const exampleResponse = storedExampleSchema
  .omit({ posterKey: true })
  .extend({ posterUrl: z.string().openapi({ example: '/examples/603.jpg' }) })
  .openapi('Example');

const examplesResponse = z
  .object({ source: storedExamplesSchema.shape.source, examples: z.array(exampleResponse) })
  .openapi('Examples');

/** What the page shows of `evaluation.json`: everything but the local path of the data scored. */
const evaluationReport = evaluationReportSchema.omit({ data: true }).openapi('EvaluationReport');

/** The evaluation report in R2, if it belongs to this model version. */
async function readReport(bucket: R2Bucket, version: string): Promise<z.infer<typeof evaluationReport> | null> {
  const object = await bucket.get('evaluation.json');
  if (!object) return null;
  try {
    const report = evaluationReport.parse(JSON.parse(await object.text()));
    return report.modelVersion === version ? report : null;
  } catch {
    return null;
  }
}

const modelResponse = z
  .object({
    version: z.string(),
    createdAt: z.string(),
    labels: z.array(z.string()),
    /** Bytes of each ONNX file the Worker loads. */
    modelBytes: z.record(z.string(), z.number()),
    image: z.object({ height: z.number(), width: z.number() }).openapi({ description: 'The input size the image encoder reads a poster at' }),
    maxWords: z.number(),
    decisionRule: z.object({ beta: z.number() }).openapi({ description: 'beta · ln(genre share) is added to the genre scores (0: genres treated as equally common)' }),
    evaluation: z.record(z.string(), z.unknown()).nullable().openapi({
      description: "The manifest's `evaluation`: the training pipeline's summary figures on its test split, or null",
    }),
    report: evaluationReport.nullable().openapi({
      description: 'The full test-split evaluation of this version (per head: accuracy, balanced accuracy, macro-F1, per-class scores, confusion matrix with rows = true genre), when published',
    }),
  })
  .openapi('ModelInfo');


const POSTER_FILE = /^(\d{1,12})\.jpg$/;

export const siteRoutes = new OpenAPIHono<AppEnv>();

// wrangler.toml routes "/" through the Worker (other methods get app.ts's JSON 405): the page for GET and HEAD.
siteRoutes.get('/', (c) => c.env.ASSETS.fetch(c.req.raw));

/** The plot limit and the API's own ways of counting characters and words, as an ES module for the page (which has no build step). */
const PLOT_TEXT_MODULE = `export const PLOT_MAX_CHARS = ${LIMITS.plotMaxChars};\nexport const plotLength = ${plotLength};\nexport const wordSpans = ${wordSpans};\n`;

siteRoutes.get('/plot-text.js', (c) => c.body(PLOT_TEXT_MODULE, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=300' }));

siteRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/examples',
    operationId: 'examples',
    summary: 'Example movies from the test split, for the web page',
    responses: {
      200: { content: { 'application/json': { schema: examplesResponse } }, description: 'Example movies' },
      404: errorContent('No examples published to R2'),
    },
  }),
  async (c) => {
    const object = await c.env.MODELS.get('examples.json');
    const missing = () => c.json(errorBody('not_found', 'examples.json is not in the R2 bucket; run `npm run models:publish`'), 404);
    if (!object) return missing();
    let stored: StoredExamples;
    try {
      stored = storedExamplesSchema.parse(JSON.parse(await object.text()));
    } catch {
      return missing();
    }
    const examples = stored.examples.map(({ posterKey, ...rest }) => ({ ...rest, posterUrl: `/${posterKey}` }));
    c.header('cache-control', 'public, max-age=300');
    return c.json({ source: stored.source, examples }, 200);
  },
);

siteRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/examples/{file}',
    operationId: 'examplePoster',
    summary: "An example movie's poster (JPEG)",
    request: { params: z.object({ file: z.string().openapi({ description: '`<tmdb_id>.jpg`', example: '603.jpg' }) }) },
    responses: {
      200: { content: { 'image/jpeg': { schema: z.string().openapi({ format: 'binary' }) } }, description: 'Poster' },
      304: { description: 'Not modified (If-None-Match)' },
      404: errorContent('No such example poster'),
    },
  }),
  async (c) => {
    const file = c.req.valid('param').file;
    const match = POSTER_FILE.exec(file);
    const key = match ? `examples/${match[1]}.jpg` : undefined;
    const object = key ? await c.env.MODELS.get(key) : null;
    if (!object) return c.json(errorBody('not_found', `no example poster "${file}"`), 404);
    const headers = new Headers({
      'content-type': object.httpMetadata?.contentType ?? 'image/jpeg',
      'cache-control': 'public, max-age=86400',
      etag: object.httpEtag,
    });
    if (c.req.header('if-none-match') === object.httpEtag) {
      await object.body.cancel();
      return new Response(null, { status: 304, headers }) as never;
    }
    headers.set('content-length', String(object.size));
    return new Response(object.body, { status: 200, headers }) as never;
  },
);

siteRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/model',
    operationId: 'model',
    summary: 'The model version POST /predict answers with, and its evaluation figures',
    responses: {
      200: { content: { 'application/json': { schema: modelResponse } }, description: 'Model information' },
      503: errorContent('No model version can be served (manifest.json missing or invalid, model files missing or corrupt)'),
    },
  }),
  async (c) => {
    // The served version, not manifest.json as it is now in R2: they differ while a new version fails to load.
    const m = await servedManifest(c.env);
    c.header('cache-control', 'public, max-age=60');
    return c.json(
      {
        version: m.version,
        createdAt: m.createdAt,
        labels: m.labels,
        modelBytes: Object.fromEntries(Object.entries(m.models).map(([k, v]) => [k, v.bytes])),
        image: { height: m.image.height, width: m.image.width },
        maxWords: m.text.features.maxWords,
        decisionRule: { beta: m.rule.beta },
        evaluation: m.evaluation ?? null,
        report: await readReport(c.env.MODELS, m.version),
      },
      200,
    );
  },
);
