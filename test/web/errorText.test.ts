import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../models/paths';
import { errorText, KNOWN_CODES } from '../../public/js/errorText.js';

/** The error codes of docs/api.md's "Errors" table. */
async function documentedCodes(): Promise<string[]> {
  const doc = await readFile(join(PROJECT_ROOT, 'docs', 'api.md'), 'utf8');
  const start = doc.indexOf('### Errors');
  const section = doc.slice(start, doc.indexOf('\n## ', start));
  return [...section.matchAll(/^\| \d{3} \| `([a-z_]+)` \|/gm)].map((m) => m[1]);
}

describe("the page's words for the API's errors (public/js/errorText.js)", () => {
  it('has words of its own for every error code docs/api.md lists', async () => {
    const codes = await documentedCodes();
    expect(codes).toContain('poster_too_large');
    expect(codes.filter((code) => !KNOWN_CODES.includes(code))).toEqual([]);
  });

  it('speaks plainly: no codes, HTTP statuses or byte counts in its words', () => {
    for (const code of KNOWN_CODES) {
      const { title, advice } = errorText({ status: 400, code });
      expect(`${title} ${advice}`).not.toMatch(/[a-z]+_[a-z]+|HTTP|\d{4,}|bytes/);
      expect(advice.length, code).toBeGreaterThan(20);
    }
  });

  it("falls back on the HTTP status for a code it does not know, or an answer that is not the API's JSON", () => {
    expect(errorText({ status: 503, code: 'something_new' })).toEqual(errorText({ status: 503, code: 'model_unavailable' }));
    expect(errorText({ status: 429 })).toEqual(errorText({ status: 429, code: 'rate_limited' }));
    expect(errorText({ status: 502 })).toEqual(errorText({ status: 500, code: 'internal_error' }));
    // An inherited property name is no code.
    expect(errorText({ status: 400, code: 'constructor' }).title).toBe('The classifier did not accept this plot or poster');
  });
});
