import { beforeAll, describe, expect, inject, it } from 'vitest';
import { LIMITS } from '../../src/shared/limits';
import { GENRES, TMDB_GENRES } from '../../src/shared/labels';
import type { Prediction } from '../../src/shared/apiSchemas';
import { call, fromB64, postForm, postJson, putModels, testEnv } from './helpers';

const PLOT = 'A retired special forces soldier takes on a drug cartel to rescue his kidnapped daughter, with explosions and car chases.';

function expectRanked(p: Prediction, modalities: string[]) {
  expect(p.genres.map((g) => g.genre).sort()).toEqual([...GENRES].sort());
  for (let i = 1; i < p.genres.length; i++) expect(p.genres[i - 1].probability).toBeGreaterThanOrEqual(p.genres[i].probability);
  // Each rounded to 4 decimals: the sum is 1 within their rounding.
  expect(Math.abs(p.genres.reduce((s, g) => s + g.probability, 0) - 1)).toBeLessThanOrEqual(4e-4);
  for (const g of [...p.genres, ...p.tmdbGenres]) expect(g.probability).toBe(Math.round(g.probability * 1e4) / 1e4);
  expect(p.top).toEqual(p.genres[0]);
  expect(p.modalities).toEqual(modalities);
  expect(p.modelVersion).toBe(JSON.parse(atob(inject('models')['manifest.json'])).version);
  for (const k of ['loadMs', 'decodeMs', 'modelMs', 'totalMs'] as const) expect(p.timings[k]).toBeGreaterThanOrEqual(0);
  // The 19 TMDB genres, most probable first, each probability on its own.
  expect(p.tmdbGenres.map((g) => g.genre).sort()).toEqual([...TMDB_GENRES].sort());
  for (let i = 1; i < p.tmdbGenres.length; i++) expect(p.tmdbGenres[i - 1].probability).toBeGreaterThanOrEqual(p.tmdbGenres[i].probability);
  for (const g of p.tmdbGenres) {
    expect(g.probability).toBeGreaterThanOrEqual(0);
    expect(g.probability).toBeLessThanOrEqual(1);
  }
}

/** Case and accents aside, as the model reads words. */
const fold = (s: string) => s.normalize('NFD').replace(/\p{Mn}/gu, '').toLowerCase();

/**
 * A multipart body written out as a browser writes it (FormData in workerd neither picks the boundary nor turns LF
 * into CRLF), optionally with the empty file field a form sends when no file is chosen (curl: `-F 'poster=@/dev/null;filename='`).
 */
const postRawMultipart = (plot: string, { boundary = '----WebKitFormBoundary7MA4YWxkTrZu0gW', emptyFile = false } = {}) =>
  call('/predict', {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    body:
      `--${boundary}\r\nContent-Disposition: form-data; name="plot"\r\n\r\n${plot}\r\n` +
      (emptyFile ? `--${boundary}\r\nContent-Disposition: form-data; name="poster"; filename=""\r\nContent-Type: application/octet-stream\r\n\r\n\r\n` : '') +
      `--${boundary}--\r\n`,
  });

beforeAll(() => putModels());

describe('POST /predict ranks all seven genres', () => {
  const poster = () => fromB64(inject('fixtures').jpeg);

  it('plot only (JSON)', async () => {
    const res = await postJson({ plot: PLOT });
    expect(res.status).toBe(200);
    expectRanked(await res.json(), ['plot']);
  });

  it('plot only (URL-encoded form, as `curl -d plot=...` sends)', async () => {
    const res = await call('/predict', { method: 'POST', body: new URLSearchParams({ plot: PLOT }) });
    expect(res.status).toBe(200);
    expectRanked(await res.json(), ['plot']);
  });

  it('says how much of a plot the text model read', async () => {
    const short = (await (await postJson({ plot: PLOT })).json()) as Prediction;
    expect(short.plotWords).toEqual({ read: 20, total: 20 });
    const long = (await (await postJson({ plot: 'War '.repeat(1020) })).json()) as Prediction;
    expect(long.plotWords).toEqual({ read: 1000, total: 1020 });
    const posterOnly = (await (await postForm({ poster: poster() })).json()) as object;
    expect(posterOnly).not.toHaveProperty('plotWords');
  });

  it('names the words of the plot that raised the top genre most, as written in it', async () => {
    const plot = 'Élodie and her brother move into an OLD HAUNTED HOUSE where a ghost murders whoever sleeps in the attic; the nights turn to terror.';
    const p = (await (await postJson({ plot })).json()) as Prediction;
    const evidence = p.evidence!.plot;
    expect(evidence.length).toBeGreaterThan(0);
    for (let i = 0; i < evidence.length; i++) {
      expect(evidence[i].weight).toBeGreaterThan(0);
      if (i > 0) expect(evidence[i - 1].weight).toBeGreaterThanOrEqual(evidence[i].weight);
      expect(plot).toContain(evidence[i].text);
      expect(fold(plot)).toContain(fold(evidence[i].text));
    }
    const posterOnly = (await (await postForm({ poster: poster() })).json()) as object;
    expect(posterOnly).not.toHaveProperty('evidence');
  });

  it('multipart whose boundary contains "json" (as about 1 in 80,000 browser boundaries do)', async () => {
    const res = await postRawMultipart(PLOT, { boundary: '----WebKitFormBoundaryJsoNx1y2z3w4q5' });
    expect(res.status).toBe(200);
    expectRanked(await res.json(), ['plot']);
  });

  it('a plot at the length limit with line breaks, sent as a browser sends multipart (each break as CRLF)', async () => {
    const line = `${'x'.repeat(49)}\n`;
    const plot = line.repeat(LIMITS.plotMaxChars / line.length);
    expect(plot.length).toBe(LIMITS.plotMaxChars);
    const res = await postRawMultipart(plot.replaceAll('\n', '\r\n'));
    expect(res.status).toBe(200);
    expectRanked(await res.json(), ['plot']);
  });

  it('poster only (multipart)', async () => {
    const res = await postForm({ poster: poster() });
    expect(res.status).toBe(200);
    expectRanked(await res.json(), ['poster']);
  });

  it('plot and poster (multipart)', async () => {
    const res = await postForm({ plot: PLOT, poster: poster() });
    expect(res.status).toBe(200);
    expectRanked(await res.json(), ['plot', 'poster']);
  });

  it('plot and base64 poster (JSON), also as a data: URL, with parameters or in upper case', async () => {
    const b64 = inject('fixtures').jpeg;
    const a = (await (await postJson({ plot: PLOT, poster: b64 })).json()) as Prediction;
    expectRanked(a, ['plot', 'poster']);
    for (const prefix of ['data:image/jpeg;base64,', 'data:image/jpeg;charset=utf-8;base64,', 'DATA:IMAGE/JPEG;BASE64,', 'data:;base64,']) {
      const res = await postJson({ plot: PLOT, poster: `${prefix}${b64}` });
      expect(res.status, prefix).toBe(200);
      expect(((await res.json()) as Prediction).genres).toEqual(a.genres);
    }
  });

  it('takes the empty file field of a form with no file chosen as no poster', async () => {
    const res = await postRawMultipart(PLOT, { emptyFile: true });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(((await res.json()) as Prediction).modalities).toEqual(['plot']);
  });

  it('posterUrl from an allow-listed host, following a redirect on that host', async () => {
    const direct = await postJson({ posterUrl: `${testEnv.POSTER_SERVER}/poster.jpg` });
    expect(direct.status).toBe(200);
    const viaRedirect = await postJson({ posterUrl: `${testEnv.POSTER_SERVER}/redirect-ok` });
    expect(viaRedirect.status).toBe(200);
    expect(((await viaRedirect.json()) as Prediction).genres).toEqual(((await direct.json()) as Prediction).genres);
  });

  it('the same input always gets the same answer, whatever the encoding', async () => {
    const form = (await (await postForm({ plot: PLOT, poster: poster() })).json()) as Prediction;
    const json = (await (await postJson({ plot: PLOT, poster: inject('fixtures').jpeg })).json()) as Prediction;
    expect(json.genres).toEqual(form.genres);
  });

  it('decodes PNG, WebP and BMP posters', async () => {
    const f = inject('fixtures');
    for (const name of ['png', 'webp', 'bmp'] as const) {
      const res = await postForm({ poster: fromB64(f[name]) });
      expect(res.status, name).toBe(200);
    }
  });

  it('reads a lossy WebP poster as the pixels the reference decoder (dwebp) gives: the same answer as for those pixels in a PNG', async () => {
    const f = inject('fixtures');
    const [webp, png] = await Promise.all([postForm({ poster: fromB64(f.webpLossy) }), postForm({ poster: fromB64(f.webpLossyDwebp) })]);
    expect(((await webp.json()) as Prediction).genres).toEqual(((await png.json()) as Prediction).genres);
  });
});

describe('agreement with the offline evaluation (onnxruntime-node)', () => {
  it.each(inject('reference').map((r) => [r.title, r] as const))('%s', async (_title, ref) => {
    const poster = fromB64(ref.poster);
    const cases = [
      { res: await postForm({ plot: ref.plot, poster }), head: ref.heads.fusion },
      { res: await postForm({ plot: ref.plot }), head: ref.heads.text },
      { res: await postForm({ poster }), head: ref.heads.image },
    ];
    for (const { res, head } of cases) {
      expect(res.status).toBe(200);
      const p = (await res.json()) as Prediction;
      const got = Object.fromEntries(p.genres.map((g) => [g.genre, g.probability]));
      // The API rounds to 4 decimals: within 1e-4 of what onnxruntime-node computes.
      GENRES.forEach((g, i) => expect(Math.abs(got[g] - head.probs[i])).toBeLessThanOrEqual(1e-4));
      const tmdb = Object.fromEntries(p.tmdbGenres.map((g) => [g.genre, g.probability]));
      TMDB_GENRES.forEach((g, i) => expect(Math.abs(tmdb[g] - head.tmdbProbs[i])).toBeLessThanOrEqual(1e-4));
    }
  });
});

describe('meta routes', () => {
  it('GET /genres gives the label order', async () => {
    expect(await (await call('/genres')).json()).toEqual({ genres: [...GENRES] });
  });

  it('GET /health reports the loaded version and the WASM heap', async () => {
    await postJson({ plot: PLOT });
    const health = (await (await call('/health')).json()) as { models: { loaded: boolean; version: string }; wasmHeapBytes: number };
    expect(health.models.loaded).toBe(true);
    expect(health.models.version).toBe(JSON.parse(atob(inject('models')['manifest.json'])).version);
    expect(health.wasmHeapBytes).toBeGreaterThan(0);
  });

  it('GET /openapi.json describes every media type /predict takes, the 405 answers and /interactions', async () => {
    type Operation = { requestBody?: { content: Record<string, { schema: { $ref?: string } }> }; responses: Record<string, { $ref?: string }>; parameters?: { name: string; in: string }[] };
    const doc = (await (await call('/openapi.json')).json()) as {
      paths: Record<string, Record<string, Operation>>;
      components: { schemas: Record<string, { properties: Record<string, unknown> }>; responses: Record<string, { headers: Record<string, unknown> }> };
    };
    const schemaOf = (ref: string | undefined) => doc.components.schemas[ref!.replace('#/components/schemas/', '')];

    const predict = doc.paths['/predict'].post;
    expect(Object.keys(predict.requestBody!.content).sort()).toEqual(['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data']);
    // URL-encoded takes the form's fields, and cannot carry its file.
    const urlencoded = schemaOf(predict.requestBody!.content['application/x-www-form-urlencoded'].schema.$ref) as { properties: Record<string, { description?: string }> };
    expect(urlencoded).toEqual(schemaOf(predict.requestBody!.content['multipart/form-data'].schema.$ref));
    expect(urlencoded.properties.poster.description).toContain('multipart/form-data only');

    // Any other method on a documented path gets a JSON 405 naming the allowed ones in Allow.
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) expect(operation.responses['405'], `${method} ${path}`).toEqual({ $ref: '#/components/responses/MethodNotAllowed' });
    }
    expect(doc.components.responses.MethodNotAllowed.headers).toHaveProperty('Allow');

    const interactions = doc.paths['/interactions'].post;
    expect(schemaOf(interactions.requestBody!.content['application/json'].schema.$ref)).toBeDefined();
    expect(interactions.parameters?.map((p) => `${p.in} ${p.name}`).sort()).toEqual(['header x-signature-ed25519', 'header x-signature-timestamp']);
    expect(Object.keys(interactions.responses).sort()).toEqual(['200', '400', '401', '405', '409', '413', '503']);
    // The answers of load and rate limiting, with their Retry-After.
    expect(Object.keys(predict.responses)).toEqual(expect.arrayContaining(['429', '503']));
    for (const status of ['429', '503']) expect((predict.responses[status] as { headers?: object }).headers).toHaveProperty('Retry-After');
  });
});
