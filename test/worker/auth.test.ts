import { beforeAll, describe, expect, it } from 'vitest';
import { callWithEnv, errorOf, putModels, testEnv } from './helpers';

beforeAll(() => putModels());

const predict = (env: object, headers: Record<string, string> = {}) =>
  callWithEnv('/predict', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ plot: 'A ghost haunts a family.' }) }, env);

describe('bearer auth on /predict', () => {
  it('is off when API_TOKEN is not set', async () => {
    expect((await predict(testEnv)).status).toBe(200);
  });

  describe('when API_TOKEN is set', () => {
    const env = () => ({ ...testEnv, API_TOKEN: 's3cret-token' });

    it('accepts the right token', async () => {
      expect((await predict(env(), { authorization: 'Bearer s3cret-token' })).status).toBe(200);
    });

    it.each([
      ['no header', {}],
      ['a wrong token', { authorization: 'Bearer nope' }],
    ])('refuses %s with 401 JSON', async (_name, headers) => {
      expect(await errorOf(await predict(env(), headers))).toMatchObject({ status: 401, code: 'unauthorized' });
    });

    it.each(['Basic abc', 'Bearer', 'Bearer two words'])('refuses the malformed header "%s" with 401 and a Bearer challenge', async (authorization) => {
      const res = await predict(env(), { authorization });
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(await errorOf(res)).toMatchObject({ status: 401, code: 'unauthorized', message: expect.stringContaining('Bearer <token>') });
    });

    it('accepts a token with characters outside RFC 6750 token68 (any secret works)', async () => {
      const odd = { ...testEnv, API_TOKEN: 's3cret!pass#:' };
      expect((await predict(odd, { authorization: 'Bearer s3cret!pass#:' })).status).toBe(200);
      expect((await predict(odd, { authorization: 'Bearer s3cret!pass#;' })).status).toBe(401);
    });

    it('answers a wrong method with its 405, token or not', async () => {
      for (const method of ['GET', 'PUT']) {
        const res = await callWithEnv('/predict', { method }, env());
        expect(await errorOf(res)).toMatchObject({ status: 405, code: 'method_not_allowed' });
        expect(res.headers.get('allow')).toBe('POST');
      }
    });

    it('leaves /health and /genres open', async () => {
      expect((await callWithEnv('/health', {}, env())).status).toBe(200);
      expect((await callWithEnv('/genres', {}, env())).status).toBe(200);
    });
  });
});
