import { describe, expect, it } from 'vitest';
import { plotLanguage } from '../../src/shared/plotLanguage';

// The detector's library (eld) and Intl.Segmenter, inside workerd.
describe('plotLanguage in workerd', () => {
  it('flags a French plot', async () => {
    const plot =
      "Un tueur à gages à la retraite est contraint de reprendre du service lorsque la fille de son ancien partenaire est enlevée à Marseille.";
    expect(await plotLanguage(plot)).toEqual({ judged: true, words: 24, english: false, language: 'fr' });
  });

  it('does not flag an English plot', async () => {
    const plot = "A retired hitman is forced back into service when his former partner's daughter is kidnapped in Marseille.";
    expect(await plotLanguage(plot)).toEqual({ judged: true, words: 17, english: true, language: 'en' });
  });

  it('counts the words of a Japanese plot', async () => {
    expect(await plotLanguage('売れない漫画家が、隣に住む猫と奇妙な友情を育む。')).toMatchObject({ judged: true, english: false, language: 'ja' });
  });
});
