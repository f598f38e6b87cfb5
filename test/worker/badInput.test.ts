import { beforeAll, describe, expect, inject, it } from 'vitest';
import { LIMITS } from '../../src/shared/limits';
import { app } from '../../src/app';
import { call, errorOf, fromB64, postForm, postJson, putModels, testEnv } from './helpers';

beforeAll(() => putModels());

const fixture = (name: keyof ReturnType<typeof inject<'fixtures'>>) => fromB64(inject('fixtures')[name]);

describe('bad input gets a 4xx JSON error, never a 500', () => {
  it.each([
    ['empty body', () => call('/predict', { method: 'POST' }), 400, 'missing_input'],
    ['empty JSON object', () => postJson({}), 400, 'missing_input'],
    ['empty multipart form', () => call('/predict', { method: 'POST', body: new FormData() }), 400, 'missing_input'],
    ['wrong content type', () => call('/predict', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'a plot' }), 415, 'unsupported_media_type'],
    ['invalid JSON', () => call('/predict', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"plot": ' }), 400, 'invalid_json'],
    ['JSON that is not an object', () => postJson(['plot']), 400, 'invalid_request'],
    ['plot of the wrong type', () => postJson({ plot: 42 }), 400, 'invalid_request'],
    ['unknown field', () => postJson({ plot: 'x', genre: 'Drama' }), 400, 'invalid_request'],
    ['blank plot', () => postJson({ plot: '   ' }), 400, 'invalid_request'],
    ['plot over the length limit', () => postJson({ plot: 'word '.repeat(LIMITS.plotMaxChars) }), 400, 'invalid_request'],
    ['plot over the length limit in emoji (each one character)', () => postJson({ plot: `Lost. ${'🎬'.repeat(LIMITS.plotMaxChars - 5)}` }), 400, 'invalid_request'],
    ['plot of punctuation only', () => postJson({ plot: '?!... — ***' }), 400, 'invalid_plot'],
    ['plot of emoji only', () => postForm({ plot: '🎬🍿😱' }), 400, 'invalid_plot'],
    ['poster and posterUrl together', () => postJson({ poster: inject('fixtures').jpeg, posterUrl: 'https://image.tmdb.org/x.jpg' }), 400, 'invalid_request'],
    ['invalid base64', () => postJson({ poster: 'not base64!!' }), 400, 'invalid_base64'],
    ['base64 of text', () => postJson({ poster: inject('fixtures').text }), 400, 'unsupported_image'],
    ['unsupported format (GIF)', () => postForm({ poster: fixture('gif') }), 400, 'unsupported_image'],
    ['truncated JPEG', () => postForm({ poster: fixture('truncatedJpeg') }), 400, 'invalid_image'],
    ['decompression bomb (20000 x 20000 header)', () => postForm({ poster: fixture('bomb') }), 413, 'image_too_large'],
    ['thin poster within the pixel cap (8 x 100000 header)', () => postForm({ poster: fixture('thin') }), 413, 'image_too_large'],
    // Its scan holds a 150 x 224 image: decoding would fail as corrupt, so a 413 is the header's verdict.
    ['JPEG whose header needs more than the decoding budget (4:4:4, 1000 x 1500)', () => postForm({ poster: fixture('jpegOverBudget') }), 413, 'image_too_large'],
    ['PNG whose image data inflates to 64 MiB behind a 100 x 100 header', () => postForm({ poster: fixture('inflationBomb') }), 400, 'invalid_image'],
    ['unknown multipart field', () => {
      const form = new FormData();
      form.set('plot', 'A heist goes wrong.');
      form.set('posterUrl', 'https://image.tmdb.org/x.jpg');
      return call('/predict', { method: 'POST', body: form });
    }, 400, 'invalid_request'],
    ['multipart without a boundary', () => call('/predict', { method: 'POST', headers: { 'content-type': 'multipart/form-data' }, body: 'plot=x' }), 400, 'invalid_request'],
    ['poster over the byte limit', () => postForm({ poster: new Uint8Array(LIMITS.posterMaxBytes + 1) }), 413, 'poster_too_large'],
    ['poster sent as a text field', () => {
      const form = new FormData();
      form.set('poster', 'hello');
      return call('/predict', { method: 'POST', body: form });
    }, 400, 'invalid_request'],
    ['posterUrl that is not a URL', () => postJson({ posterUrl: 'not a url' }), 400, 'invalid_poster_url'],
    ['posterUrl with another scheme', () => postJson({ posterUrl: 'file:///etc/passwd' }), 400, 'invalid_poster_url'],
    ['posterUrl on a host outside the allow-list', () => postJson({ posterUrl: 'http://169.254.169.254/latest' }), 400, 'poster_url_not_allowed'],
    ['posterUrl redirecting outside the allow-list', () => postJson({ posterUrl: `${testEnv.POSTER_SERVER}/redirect-internal` }), 400, 'poster_url_not_allowed'],
    ['posterUrl on an allowed host but another port', () => postJson({ posterUrl: `http://127.0.0.1:${Number(new URL(testEnv.POSTER_SERVER).port) + 1}/poster.jpg` }), 400, 'poster_url_not_allowed'],
    ['posterUrl on an allowed host and port but another scheme', () => postJson({ posterUrl: `${testEnv.POSTER_SERVER.replace('http:', 'https:')}/poster.jpg` }), 400, 'poster_url_not_allowed'],
    ['posterUrl redirecting more than 3 times', () => postJson({ posterUrl: `${testEnv.POSTER_SERVER}/redirect-loop` }), 422, 'poster_url_failed'],
    ['posterUrl declaring more than the cap in its Content-Length', () => postJson({ posterUrl: `${testEnv.POSTER_SERVER}/declared-huge` }), 413, 'poster_too_large'],
    ['posterUrl answering 404', () => postJson({ posterUrl: `${testEnv.POSTER_SERVER}/missing` }), 422, 'poster_url_failed'],
    ['posterUrl larger than the cap', () => postJson({ posterUrl: `${testEnv.POSTER_SERVER}/huge` }), 413, 'poster_too_large'],
    ['posterUrl that never answers', () => postJson({ posterUrl: `${testEnv.POSTER_SERVER}/slow` }), 422, 'poster_url_failed'],
    ['posterUrl that answers, then drips its body', () => postJson({ posterUrl: `${testEnv.POSTER_SERVER}/drip` }), 422, 'poster_url_failed'],
    ['unknown route', () => call('/nope'), 404, 'not_found'],
    ['GET /predict (the address typed into a browser)', () => call('/predict'), 405, 'method_not_allowed'],
  ] as const)('%s', async (_name, send, status, code) => {
    const err = await errorOf(await send());
    expect(err).toMatchObject({ status, code });
    expect(err.message.length).toBeGreaterThan(5);
  });

  it('names neither the allowed hosts nor the list when refusing a posterUrl', async () => {
    const err = await errorOf(await postJson({ posterUrl: 'https://evil.example:8443/x.jpg' }));
    expect(err).toEqual({ status: 400, code: 'poster_url_not_allowed', message: 'posterUrl https://evil.example:8443 is not a host posters are downloaded from' });
    expect(err.message).not.toContain('127.0.0.1');
  });

  it('counts the redirects it follows, and the Content-Length it is told', async () => {
    expect((await errorOf(await postJson({ posterUrl: `${testEnv.POSTER_SERVER}/redirect-loop` }))).message).toBe('posterUrl redirected more than 3 times');
    expect((await errorOf(await postJson({ posterUrl: `${testEnv.POSTER_SERVER}/declared-huge` }))).message).toBe(`poster is larger than ${LIMITS.posterMaxBytes} bytes`);
  });

  describe('without POSTER_URL_HOSTS, the default list: TMDB and Discord, https on the default port', () => {
    const { POSTER_URL_HOSTS: _, ...env } = testEnv;
    const posterUrl = (url: string) =>
      app.request('/predict', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ posterUrl: url }) }, env);

    it.each([
      `${testEnv.POSTER_SERVER}/poster.jpg`,
      'http://image.tmdb.org/t/p/w500/x.jpg',
      'https://image.tmdb.org:8443/t/p/w500/x.jpg',
      'https://cdn.discordapp.com.evil.example/attachments/1/2/x.png',
    ])('refuses %s', async (url) => {
      expect(await errorOf(await posterUrl(url))).toMatchObject({ status: 400, code: 'poster_url_not_allowed' });
    });

    // No network here: the download itself fails, after the allow-list let it through.
    it.each(['https://image.tmdb.org/t/p/w500/x.jpg', 'https://image.tmdb.org:443/x.jpg', 'https://cdn.discordapp.com/attachments/1/2/x.png', 'https://media.discordapp.net/attachments/1/2/x.png'])(
      'lets %s through to the download',
      async (url) => {
        expect((await errorOf(await posterUrl(url))).code).not.toBe('poster_url_not_allowed');
      },
    );
  });

  it('gives an empty poster the same error whether uploaded or downloaded from posterUrl', async () => {
    const errors = await Promise.all([
      postForm({ poster: new Uint8Array(0) }),
      postJson({ posterUrl: `${testEnv.POSTER_SERVER}/empty` }),
    ].map(async (res) => errorOf(await res)));
    expect(errors).toEqual([0, 1].map(() => ({ status: 400, code: 'invalid_image', message: 'poster is empty (0 bytes)' })));
  });

  it('takes a plot of exactly the limit, emoji counted as one character each', async () => {
    expect((await postJson({ plot: `Lost. ${'🎬'.repeat(LIMITS.plotMaxChars - 6)}` })).status).toBe(200);
  });

  it('a PNG inflation bomb is named as such, not as a corrupt stream', async () => {
    const err = await errorOf(await postForm({ poster: fixture('inflationBomb') }));
    expect(err.message).toContain('inflates to more than its width and height allow');
  });

  it('a known path with the wrong method is told which methods it accepts', async () => {
    const res = await call('/predict', { method: 'PUT', body: '{}' });
    expect(res.headers.get('allow')).toBe('POST');
    expect(await errorOf(res)).toMatchObject({ status: 405, message: 'PUT /predict is not supported: it accepts POST' });
    const health = await call('/health', { method: 'DELETE' });
    expect(health.headers.get('allow')).toBe('GET, HEAD');
    expect(await errorOf(health)).toMatchObject({ status: 405, code: 'method_not_allowed' });
  });

  it('a wrong content type is told which two are accepted', async () => {
    const res = await call('/predict', { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'a plot' });
    expect(await errorOf(res)).toMatchObject({
      status: 415,
      message: 'Content-Type text/plain; charset=utf-8 is not accepted: send application/json, multipart/form-data or application/x-www-form-urlencoded',
    });
    const bare = await call('/predict', { method: 'POST', body: fixture('gif') });
    expect(await errorOf(bare)).toMatchObject({ status: 415, message: expect.stringContaining('Content-Type (none) is not accepted') });
  });

  it('a request body over the limit is refused from its Content-Length', async () => {
    const body = new Uint8Array(LIMITS.requestMaxBytes + 1);
    const res = await call('/predict', { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(body.length) }, body });
    expect(await errorOf(res)).toMatchObject({ status: 413, code: 'body_too_large' });
  });

  it('a chunked body over the limit is refused by counting, without a Content-Length', async () => {
    const chunk = new Uint8Array(1024 * 1024).fill(0x20);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 9) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await call('/predict', { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit);
    expect(await errorOf(res)).toMatchObject({ status: 413, code: 'body_too_large' });
  });

  it('the service still answers after all of that', async () => {
    expect((await postJson({ plot: 'Two friends go on a road trip.' })).status).toBe(200);
  });
});
