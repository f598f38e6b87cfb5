import { escapeMarkdown } from '@discordjs/formatters';
import type { APIEmbed } from 'discord-api-types/v10';
import type { Prediction } from '../apiSchemas';
import { classOfGenre } from '../labels';
import { LIMITS } from '../limits';
import { POSTER_FORMAT_LIST, type GenreProblem } from './genreCommand';

/** The part of a /predict answer that the reply shows. */
export type GenreScores = Pick<Prediction, 'genres' | 'tmdbGenres' | 'evidence' | 'modalities' | 'modelVersion' | 'warnings'>;

const BAR_CELLS = 12;
const COLOURS: Record<string, number> = {
  Action: 0xe74c3c,
  Animation: 0xf1c40f,
  Comedy: 0x2ecc71,
  Documentary: 0x3498db,
  Drama: 0x9b59b6,
  Horror: 0x2c2c2c,
  Others: 0x95a5a6,
};

const percent = (p: number) => `${(p * 100).toFixed(1)}%`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** How many of the 13 genres merged into Others the title names: the evaluation scores this top 3 (`othersTop3`). */
const OTHERS_NAMED = 3;
/** TMDB genres the embed lists: as many as the web page and `npm run classify` show. */
const TMDB_SHOWN = 5;
/** Evidence phrases the embed quotes, and the characters each keeps: well inside a field's 1,024 even when escaped. */
const EVIDENCE_SHOWN = 5;
const EVIDENCE_PHRASE_MAX = 40;

/** The most probable TMDB genres among those that Others merges. */
function likelyOthers(scores: Pick<GenreScores, 'tmdbGenres'>): string[] {
  return scores.tmdbGenres
    .filter((g) => classOfGenre(g.genre) === 'Others')
    .slice(0, OTHERS_NAMED)
    .map((g) => g.genre);
}

/** The phrases, quoted: from the user's plot, so cut to a length and with markdown escaped. */
function evidencePhrases(evidence: readonly { text: string }[]): string {
  return evidence
    .slice(0, EVIDENCE_SHOWN)
    .map(({ text }) => {
      // On one line (a phrase may span a line break), and cut by code points so an emoji is never split.
      const chars = Array.from(text.replace(/\s+/g, ' '));
      const shown = chars.length > EVIDENCE_PHRASE_MAX ? [...chars.slice(0, EVIDENCE_PHRASE_MAX - 1), '…'] : chars;
      return `“${escapeMarkdown(shown.join(''), { maskedLink: true })}”`;
    })
    .join(', ');
}

export function probabilityBar(probability: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, probability)) * BAR_CELLS);
  return '█'.repeat(filled) + '░'.repeat(BAR_CELLS - filled);
}

/** The TMDB genres most likely listed for the movie, each with its own probability. */
const tmdbLine = (scores: Pick<GenreScores, 'tmdbGenres'>) =>
  scores.tmdbGenres
    .slice(0, TMDB_SHOWN)
    .map((g) => `${g.genre} ${Math.round(g.probability * 100)}%`)
    .join(' · ');

/**
 * The reply embed: top genre (for Others, its most likely TMDB genres), any warning first, the three most
 * likely genres with bars, the TMDB genres, the plot's strongest evidence, the poster, the model version.
 */
export function genreEmbed(scores: GenreScores, options: { posterUrl?: string } = {}): APIEmbed {
  const [top] = scores.genres;
  const width = Math.max(...scores.genres.slice(0, 3).map((g) => g.genre.length));
  const rows = scores.genres.slice(0, 3).map((g) => `${g.genre.padEnd(width)} ${probabilityBar(g.probability)} ${percent(g.probability).padStart(6)}`);
  const others = top.genre === 'Others' ? likelyOthers(scores) : [];
  const evidence = scores.evidence?.plot ?? [];
  return {
    title: others.length ? `🎬 Others — most likely ${others.join(', ')}` : `🎬 ${top.genre}`,
    description: `Most likely **${top.genre}** (${percent(top.probability)}), judged from the ${scores.modalities.join(' and ')}.`,
    color: COLOURS[top.genre],
    fields: [
      ...(scores.warnings.length ? [{ name: '⚠️ Take this answer with care', value: scores.warnings.map((w) => `• ${w.message}`).join('\n') }] : []),
      // A code block keeps the bars aligned.
      { name: 'Top 3', value: `\`\`\`\n${rows.join('\n')}\n\`\`\`` },
      // Scored one by one (a movie has several), so they need not agree with the seven genres' ranking above.
      { name: 'TMDB genres it would likely have (each scored on its own)', value: tmdbLine(scores) },
      ...(evidence.length ? [{ name: `What in the plot points to ${top.genre}`, value: evidencePhrases(evidence) }] : []),
    ],
    ...(options.posterUrl ? { thumbnail: { url: options.posterUrl } } : {}),
    footer: { text: `model ${scores.modelVersion}` },
  };
}

const USAGE = 'Use `/genre plot:<what happens>` and/or `/genre poster:<image>`.';

/** The answer to any command other than /genre (a stale registration), in both modes. */
export const UNKNOWN_COMMAND_MESSAGE = 'This app only knows `/genre`.';

/** When the answer itself could not be posted (Discord refused it), in both modes. */
export const FAILED_MESSAGE = 'Something went wrong while answering. Please try again.';

/** What the user reads when a /genre invocation cannot be answered. */
export function problemMessage(problem: GenreProblem): string {
  switch (problem.kind) {
    case 'missing_input':
      return `Give me a plot, a poster, or both. ${USAGE}`;
    case 'plot_no_words':
      return `That plot has no words. Write what happens in the movie in a sentence or two. ${USAGE}`;
    case 'plot_too_long':
      return `That plot has ${problem.length} characters; the limit is ${LIMITS.plotMaxChars}. Shorten it and try again.`;
    case 'not_image':
      return `\`${problem.filename}\` is not a poster I can read (${problem.contentType ?? 'unknown type'}). Attach a ${POSTER_FORMAT_LIST} image.`;
    case 'poster_too_large':
      return `That poster is ${mib(problem.size)}; the limit is ${mib(LIMITS.posterMaxBytes)}. Attach a smaller image.`;
    case 'poster_too_many_pixels':
      return `That poster is ${problem.width}×${problem.height} pixels; the limit is ${LIMITS.posterMaxPixels.toLocaleString('en-US')} pixels and ${LIMITS.posterMaxSide} a side (web-size posters such as 500×750 fit). Attach a smaller image.`;
    case 'poster_download':
      return `I could not download the poster (${problem.detail}). Try attaching it again.`;
    case 'predict_rejected':
      return `The classifier refused this input: ${problem.detail}`;
    case 'predict_unavailable':
      return 'The genre classifier is unavailable right now. Please try again in a minute.';
    case 'predict_misconfigured':
      return 'The bot cannot reach the genre classifier because of a configuration problem on our side. Please try again later.';
    case 'predict_timeout':
      return `The genre classifier did not answer within ${problem.seconds} s. Please try again in a minute.`;
  }
}

/** An error answer of the classifier (`{ error: { code, message } }` with its HTTP status) as a problem. */
export function problemFromApiError(error: { status: number; code: string; message: string }): GenreProblem {
  if (error.status >= 500) return { kind: 'predict_unavailable' };
  // Where the bot may download from is configuration, for the log (both modes log the error), not for users.
  if (error.code === 'poster_url_not_allowed') return { kind: 'poster_download', detail: 'it is not on a host this bot downloads from' };
  if (error.code.startsWith('poster_url') || error.code === 'invalid_poster_url') return { kind: 'poster_download', detail: error.message };
  return { kind: 'predict_rejected', detail: error.message };
}
