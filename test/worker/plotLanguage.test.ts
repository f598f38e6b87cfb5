import { describe, expect, it } from 'vitest';
import { plotLanguage } from '../../src/shared/plotLanguage';

// The detector's library (franc-min) and Intl.Segmenter, inside workerd.
describe('plotLanguage in workerd', () => {
  it('flags a French plot', () => {
    const plot =
      "Un tueur à gages à la retraite est contraint de reprendre du service lorsque la fille de son ancien partenaire est enlevée à Marseille.";
    expect(plotLanguage(plot)).toEqual({ judged: true, words: 24, english: false, language: 'fra' });
  });

  it('does not flag an English plot', () => {
    const plot = "A retired hitman is forced back into service when his former partner's daughter is kidnapped in Marseille.";
    expect(plotLanguage(plot)).toEqual({ judged: true, words: 17, english: true, language: 'eng' });
  });

  it('counts the words of a Japanese plot', () => {
    expect(plotLanguage('売れない漫画家が、隣に住む猫と奇妙な友情を育む。')).toMatchObject({ judged: true, english: false, language: 'jpn' });
  });
});
