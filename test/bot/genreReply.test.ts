import type { APIEmbed } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { genreRequestFromData } from '../../src/discord/genreRequest';
import { checkGenreRequest, genreCommand } from '../../src/shared/discord/genreCommand';
import { genreEmbed, probabilityBar, problemFromApiError, problemMessage, type GenreScores } from '../../src/shared/discord/genreReply';
import { POSTER_DECODE_LIMITS } from '../../src/shared/limits';
import { decodeImage } from '../../src/shared/imageDecode';
import { gradient, toJpeg } from '../support/imageFixtures';
import { genreInteraction } from './support';

const scores: GenreScores = {
  genres: [
    { genre: 'Horror', probability: 0.625 },
    { genre: 'Drama', probability: 0.2 },
    { genre: 'Documentary', probability: 0.1 },
    { genre: 'Action', probability: 0.075 },
  ],
  tmdbGenres: [
    { genre: 'Horror', probability: 0.9 },
    { genre: 'Thriller', probability: 0.4 },
    { genre: 'Drama', probability: 0.3 },
  ],
  evidence: { plot: [{ text: 'haunted\nhouse', weight: 1.9 }, { text: 'ghost', weight: 1.2 }] },
  modalities: ['plot', 'poster'],
  modelVersion: '2026-11-24.1',
  warnings: [],
};
const others: GenreScores = {
  ...scores,
  genres: [{ genre: 'Others', probability: 0.5 }, ...scores.genres.slice(1)],
  // Most probable first, the six named genres among them: Others names the first three of the other thirteen.
  tmdbGenres: (['Drama', 'Thriller', 'Action', 'Crime', 'Comedy', 'Romance', 'War'] as const).map((genre, i) => ({ genre, probability: 0.7 - i * 0.1 })),
};

/** The embed's length as Discord counts it against its 6,000-character limit. */
const embedLength = (e: APIEmbed) => [e.title, e.description, e.footer?.text, ...(e.fields ?? []).flatMap((f) => [f.name, f.value])].join('').length;

describe('genre reply formatter', () => {
  it('renders the top genre, three aligned bars, the TMDB genres, the plot evidence and the model version', () => {
    expect(genreEmbed(scores, { posterUrl: 'https://cdn.discordapp.com/attachments/1/2/p.png' })).toEqual({
      title: '🎬 Horror',
      description: 'Most likely **Horror** (62.5%), judged from the plot and poster.',
      color: 0x2c2c2c,
      fields: [
        { name: 'Top 3', value: '```\nHorror      ████████░░░░  62.5%\nDrama       ██░░░░░░░░░░  20.0%\nDocumentary █░░░░░░░░░░░  10.0%\n```' },
        { name: 'TMDB genres it would likely have (each scored on its own)', value: 'Horror 90% · Thriller 40% · Drama 30%' },
        // The phrase spans a line break in the plot; the field keeps it on one line.
        { name: 'What in the plot points to Horror', value: '“haunted house”, “ghost”' },
      ],
      thumbnail: { url: 'https://cdn.discordapp.com/attachments/1/2/p.png' },
      footer: { text: 'model 2026-11-24.1' },
    });
    expect(genreEmbed(scores)).not.toHaveProperty('thumbnail');
  });

  it('puts the answer\'s warnings first, in their plain words', () => {
    const warnings = [
      { code: 'plot_too_short' as const, message: 'The plot has only 1 word, too few to judge a genre well.' },
      { code: 'low_confidence' as const, message: 'The model is unsure.' },
    ];
    const fields = genreEmbed({ ...scores, warnings }).fields!;
    expect(fields[0]).toEqual({ name: '⚠️ Take this answer with care', value: '• The plot has only 1 word, too few to judge a genre well.\n• The model is unsure.' });
    expect(fields[1].name).toBe('Top 3');
    expect(genreEmbed(scores).fields!.some((f) => f.name.includes('care'))).toBe(false);
  });

  it('names the three most likely of the genres merged into Others when Others is the top genre', () => {
    const embed = genreEmbed(others);
    expect(embed.title).toBe('🎬 Others — most likely Thriller, Crime, Romance');
    expect(embed.description).toBe('Most likely **Others** (50.0%), judged from the plot and poster.');
    expect(embed.fields![2].name).toBe('What in the plot points to Others');
    // Another top genre keeps its plain title, whatever the TMDB genres.
    expect(genreEmbed({ ...others, genres: scores.genres }).title).toBe('🎬 Horror');
  });

  it('has no evidence field without a plot', () => {
    const { evidence: _, ...posterOnly } = scores;
    const embed = genreEmbed({ ...posterOnly, modalities: ['poster'] });
    const names = ['Top 3', 'TMDB genres it would likely have (each scored on its own)'];
    expect(embed.fields!.map((f) => f.name)).toEqual(names);
    expect(genreEmbed({ ...scores, evidence: { plot: [] } }).fields!.map((f) => f.name)).toEqual(names);
  });

  it("escapes markdown in the user's phrases, and quotes at most five, each cut to 40 characters", () => {
    const phrases = ['Mr_Smith', 'ka**boom', 'x`y', 'a||b', 'a~~b', 'sixth'];
    const escaped = genreEmbed({ ...scores, evidence: { plot: phrases.map((text) => ({ text, weight: 1 })) } }).fields![2].value;
    expect(escaped).toBe('“Mr\\_Smith”, “ka\\*\\*boom”, “x\\`y”, “a\\|\\|b”, “a\\~\\~b”');
    expect(genreEmbed({ ...scores, evidence: { plot: [{ text: 'back\\slash [x](https://e.example)', weight: 1 }] } }).fields![2].value).toBe(
      '“back\\\\slash \\[x](https://e.example)”',
    );
    // Cut by code points: the emoji at the cut stays whole.
    const long = `${'a'.repeat(38)}🎬🎬${'z'.repeat(4000)}`;
    expect(genreEmbed({ ...scores, evidence: { plot: [{ text: long, weight: 1 }] } }).fields![2].value).toBe(`“${'a'.repeat(38)}🎬…”`);

    // The worst case: the longest phrases, every character escaped.
    const worst = genreEmbed({ ...others, evidence: { plot: Array.from({ length: 6 }, () => ({ text: '*_`|~\\'.repeat(1000), weight: 1 })) } });
    expect(worst.fields![2].value.length).toBeLessThanOrEqual(1024);
    expect(embedLength(worst)).toBeLessThanOrEqual(6000);
    expect(worst.title!.length).toBeLessThanOrEqual(256);
  });

  it('draws bars from 0 to 12 cells', () => {
    expect(probabilityBar(0)).toBe('░'.repeat(12));
    expect(probabilityBar(1)).toBe('█'.repeat(12));
    expect(probabilityBar(0.5)).toBe('█'.repeat(6) + '░'.repeat(6));
  });

  it('maps classifier errors to what the user can do', () => {
    expect(problemFromApiError({ status: 503, code: 'models_unavailable', message: 'x' })).toEqual({ kind: 'predict_unavailable' });
    expect(problemFromApiError({ status: 422, code: 'poster_url_failed', message: 'posterUrl answered HTTP 404' })).toEqual({ kind: 'poster_download', detail: 'posterUrl answered HTTP 404' });
    // Where the bot downloads from is configuration: the log has the refused origin, the user a plain reason.
    const notAllowed = { status: 400, code: 'poster_url_not_allowed', message: 'posterUrl https://evil.example is not a host posters are downloaded from' };
    expect(problemMessage(problemFromApiError(notAllowed))).toBe('I could not download the poster (it is not on a host this bot downloads from). Try attaching it again.');
    expect(problemMessage({ kind: 'predict_rejected', detail: 'plot contains no words' })).toBe('The classifier refused this input: plot contains no words');
    expect(problemMessage({ kind: 'plot_too_long', length: 5001 })).toBe('That plot has 5001 characters; the limit is 5000. Shorten it and try again.');
  });

  it('names, in the pixel-limit message, a poster size that the Worker decodes even as a 4:4:4 JPEG', async () => {
    const message = problemMessage({ kind: 'poster_too_many_pixels', width: 3024, height: 4032 });
    const [, width, height] = /such as (\d+)×(\d+) fit/.exec(message)!.map(Number);
    // jpeg-js encodes 4:4:4, the costliest layout to decode; 1000×1500 is refused by the JPEG memory limit.
    expect(await decodeImage(toJpeg(gradient(width, height), width, height), POSTER_DECODE_LIMITS)).toMatchObject({ width, height });
    await expect(decodeImage(toJpeg(gradient(1000, 1500), 1000, 1500), POSTER_DECODE_LIMITS)).rejects.toMatchObject({ code: 'image_too_large' });
  });
});

describe('/genre command data and input checks', () => {
  it('declares an optional plot capped at the API limit and an optional attachment', () => {
    expect(genreCommand.options).toEqual([
      expect.objectContaining({ name: 'plot', type: 3, required: false, max_length: 5000 }),
      expect.objectContaining({ name: 'poster', type: 11, required: false }),
    ]);
  });

  it('reads options and the resolved attachment from a raw interaction', () => {
    const { data } = genreInteraction('1', { plot: 'A plot', poster: { url: 'https://cdn/p.webp', filename: 'p.webp', contentType: 'image/webp', size: 42 } });
    expect(genreRequestFromData(data)).toEqual({ plot: 'A plot', poster: { url: 'https://cdn/p.webp', filename: 'p.webp', size: 42, contentType: 'image/webp' } });
    const sized = genreInteraction('1', { poster: { url: 'https://cdn/p.png', filename: 'p.png', contentType: 'image/png', width: 300, height: 450 } });
    expect(genreRequestFromData(sized.data).poster).toMatchObject({ width: 300, height: 450 });
  });

  it('accepts the four decodable formats and refuses anything else', () => {
    const poster = (contentType: string | null, size = 10) => ({ url: 'u', filename: 'f', size, contentType });
    for (const t of ['image/jpeg', 'image/png', 'image/webp', 'image/bmp', 'IMAGE/PNG; charset=binary']) expect(checkGenreRequest({ poster: poster(t) }).ok).toBe(true);
    for (const t of ['image/gif', 'image/svg+xml', 'application/pdf', null]) expect(checkGenreRequest({ poster: poster(t) })).toMatchObject({ ok: false, problem: { kind: 'not_image' } });
    expect(checkGenreRequest({ poster: poster('image/png', 5 * 1024 * 1024 + 1) })).toMatchObject({ ok: false, problem: { kind: 'poster_too_large' } });
    const sized = (width: number, height: number) => ({ ...poster('image/jpeg'), width, height });
    expect(checkGenreRequest({ poster: sized(1000, 1500) }).ok).toBe(true);
    expect(checkGenreRequest({ poster: sized(2000, 1001) })).toMatchObject({ ok: false, problem: { kind: 'poster_too_many_pixels', width: 2000, height: 1001 } });
    expect(checkGenreRequest({ poster: sized(5000, 100) })).toMatchObject({ ok: false, problem: { kind: 'poster_too_many_pixels' } });
    expect(checkGenreRequest({ plot: 'x'.repeat(5001) })).toMatchObject({ ok: false, problem: { kind: 'plot_too_long', length: 5001 } });
    // Counted as the API counts (src/shared/plotText.ts): an emoji is one character.
    expect(checkGenreRequest({ plot: `Lost. ${'🎬'.repeat(4994)}` }).ok).toBe(true);
    expect(checkGenreRequest({ plot: `Lost. ${'🎬'.repeat(4995)}` })).toMatchObject({ ok: false, problem: { kind: 'plot_too_long', length: 5001 } });
    expect(checkGenreRequest({ plot: ' \n ' })).toMatchObject({ ok: false, problem: { kind: 'missing_input' } });
    // The API's word rule, before deferring: no public "thinking…" for a plot it will refuse.
    expect(checkGenreRequest({ plot: '?! …' })).toMatchObject({ ok: false, problem: { kind: 'plot_no_words' } });
    expect(problemMessage({ kind: 'plot_no_words' })).toContain('That plot has no words');
    expect(checkGenreRequest({ plot: '  A plot. ' })).toEqual({ ok: true, plot: 'A plot.', poster: undefined });
  });
});
