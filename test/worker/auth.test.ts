import { beforeAll, describe, expect, it } from 'vitest';
import { app } from '../../src/app';
import { errorOf, putModels, testEnv } from './helpers';

beforeAll(() => putModels());

const predict = (env: object, headers: Record<string, string> = {}) =>
  app.request('/predict', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ plot: 'A ghost haunts a family.' }) }, env);

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

    it('refuses a malformed header with a 4xx JSON error', async () => {
      const err = await errorOf(await predict(env(), { authorization: 'Basic abc' }));
      expect([400, 401]).toContain(err.status);
    });

    it('leaves /health and /genres open', async () => {
      expect((await app.request('/health', {}, env())).status).toBe(200);
      expect((await app.request('/genres', {}, env())).status).toBe(200);
    });
  });
});
