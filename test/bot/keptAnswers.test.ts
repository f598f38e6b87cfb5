import { describe, expect, it } from 'vitest';
import { createKeptAnswers } from '../../bot/keptAnswers';
import { KEPT_ANSWER_TTL_MS } from '../../src/shared/discord/genreFeedback';

const answer = (plot: string) => ({ plot, predicted: 'Drama' as const, modelVersion: 'test-1' });

describe("the gateway bot's kept answers", () => {
  it('finds an answer by its key for a day, and not after', () => {
    let now = 1_000_000;
    const answers = createKeptAnswers({ now: () => now });
    const key = answers.keep({ ...answer('A heist.'), posterUrl: 'https://cdn.discordapp.com/attachments/1/2/p.jpg' });
    expect(key).toMatch(/^[0-9a-f-]{36}$/);
    now += KEPT_ANSWER_TTL_MS - 1;
    expect(answers.find(key)).toEqual({ ...answer('A heist.'), posterUrl: 'https://cdn.discordapp.com/attachments/1/2/p.jpg' });
    now += 2;
    expect(answers.find(key)).toBeUndefined();
    expect(answers.find('no-such-key')).toBeUndefined();
  });

  it('is bounded in entries and in characters: the least recently used go first', () => {
    const byCount = createKeptAnswers({ maxEntries: 2 });
    const [a, b, c] = ['one', 'two', 'three'].map((p) => byCount.keep(answer(p)));
    expect([byCount.find(a), byCount.find(b)?.plot, byCount.find(c)?.plot]).toEqual([undefined, 'two', 'three']);

    const bySize = createKeptAnswers({ maxChars: 12_000 });
    const long = 'x'.repeat(5_000);
    const keys = [1, 2, 3].map(() => bySize.keep(answer(long)));
    expect(keys.map((k) => bySize.find(k) !== undefined)).toEqual([false, true, true]);
  });
});
