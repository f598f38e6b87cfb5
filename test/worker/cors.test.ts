import { beforeAll, describe, expect, it } from 'vitest';
import { callWithEnv, errorOf, putModels, testEnv } from './helpers';

beforeAll(() => putModels());

const APP = 'https://app.example';
const preflight = (env: object, origin = APP) =>
  callWithEnv(
    '/predict',
    { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } },
    env,
  );
const predict = (env: object, body: unknown, origin = APP) =>
  callWithEnv('/predict', { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify(body) }, env);

describe('CORS', () => {
  it('is off without CORS_ORIGINS: no CORS headers, and OPTIONS is a 405', async () => {
    const res = await preflight(testEnv);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(await errorOf(res)).toMatchObject({ status: 405, code: 'method_not_allowed' });
    expect((await predict(testEnv, { plot: 'A ghost haunts a family.' })).headers.get('access-control-allow-origin')).toBeNull();
  });

  describe('with CORS_ORIGINS listing an origin', () => {
    // A trailing slash, as a URL copied from the address bar has it, still matches the browser's Origin.
    const env = { ...testEnv, CORS_ORIGINS: ` ${APP}/ , https://other.example` };

    it('answers the preflight for POST /predict with a bearer token', async () => {
      const res = await preflight(env);
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(APP);
      expect(res.headers.get('access-control-allow-methods')).toContain('POST');
      expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toBe('authorization,content-type');
      expect(res.headers.get('vary')).toContain('Origin');
    });

    it('lets that origin read predictions and error messages alike', async () => {
      const ok = await predict(env, { plot: 'A ghost haunts a family.' });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('access-control-allow-origin')).toBe(APP);
      const bad = await predict(env, { plot: 42 });
      expect(bad.headers.get('access-control-allow-origin')).toBe(APP);
      expect(await errorOf(bad)).toMatchObject({ status: 400, code: 'invalid_request' });
    });

    it('gives an origin that is not listed no access', async () => {
      expect((await preflight(env, 'https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
      const res = await predict(env, { plot: 'A ghost haunts a family.' }, 'https://evil.example');
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  it('with CORS_ORIGINS=* lets any origin call it', async () => {
    const res = await predict({ ...testEnv, CORS_ORIGINS: '*' }, { plot: 'A ghost haunts a family.' }, 'https://anywhere.example');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });
});
