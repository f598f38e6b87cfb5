import { describe, expect, it } from 'vitest';
import { hasWord, plotLength } from '../../src/shared/plotText';

describe('plot text rules', () => {
  it.each([
    ['A heist.', 8],
    ['🎬'.repeat(2_501), 2_501], // an emoji is one character, not two UTF-16 units
    ['one\r\ntwo\rthree\nfour', 18], // a line break is one, however it was sent
    ['  padded \n', 6],
    ['e\u0301', 2], // code points, not grapheme clusters (as JSON Schema's maxLength counts)
  ])('counts %j as %i characters', (text, length) => {
    expect(plotLength(text)).toBe(length);
  });

  it.each(['A heist.', 'R2-D2', '1917', 'Amélie', '七人の侍', 'Ленин'])('finds a word in %j', (text) => {
    expect(hasWord(text)).toBe(true);
  });

  it.each(['?!', '... — ***', '🎬🍿😱', '\u0007\u0007', '  '])('finds no word in %j', (text) => {
    expect(hasWord(text)).toBe(false);
  });
});
