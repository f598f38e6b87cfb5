import type { APIActionRowComponent, APIStringSelectComponent, ComponentType } from 'discord-api-types/v10';
import { GENRES, type Genre } from '../labels';

// The "Correct genre…" menu under a /genre answer, in both Discord modes. Plain JSON typed with
// discord-api-types (type imports only, as in genreCommand.ts: its runtime enums would grow the Worker bundle).

/**
 * What is kept of an answer so that a correction can be sent for it: the input and what was answered. No user
 * or channel id: a correction is training data, not a record of who sent it.
 */
export interface KeptAnswer {
  plot?: string;
  /** The attachment's URL: Discord signs it for about a day, after which it no longer downloads. */
  posterUrl?: string;
  predicted: Genre;
  modelVersion: string;
}

/** How long an answer can be corrected: as long as Discord's signed attachment URLs last. */
export const KEPT_ANSWER_TTL_MS = 24 * 60 * 60 * 1000;

const CUSTOM_ID_PREFIX = 'genre-feedback:';
const ACTION_ROW: ComponentType.ActionRow = 1;
const STRING_SELECT: ComponentType.StringSelect = 3;

/** A key for a kept answer: random, so that it tells nothing and cannot be guessed (a UUID: 36 characters). */
export const newAnswerKey = (): string => crypto.randomUUID();

/** Option descriptions (at most 100 characters each). */
const DESCRIPTIONS: Partial<Record<Genre, string>> = {
  Others: 'None of the six: crime, thriller, romance, sci-fi, fantasy, adventure, war, western…',
};

/**
 * The action row put under the embed: a string select of the seven genres but the one answered. Its custom id
 * (at most 100 characters) carries the kept answer's key and nothing else.
 */
export function feedbackMenu(key: string, predicted: Genre): APIActionRowComponent<APIStringSelectComponent> {
  return {
    type: ACTION_ROW,
    components: [
      {
        type: STRING_SELECT,
        custom_id: `${CUSTOM_ID_PREFIX}${key}`,
        placeholder: 'Correct genre…',
        options: GENRES.filter((g) => g !== predicted).map((genre) => ({
          label: genre,
          value: genre,
          ...(DESCRIPTIONS[genre] ? { description: DESCRIPTIONS[genre] } : {}),
        })),
      },
    ],
  };
}

/** A choice made in the menu: the kept answer it is for and the genre chosen. */
export interface FeedbackChoice {
  key: string;
  genre: Genre;
}

/**
 * The choice a component interaction carries, if it is a choice in this menu; anything else (another
 * component, a custom id of an older version) is undefined.
 */
export function feedbackChoice(data: { custom_id: string; component_type: number; values?: readonly string[] }): FeedbackChoice | undefined {
  if (data.component_type !== STRING_SELECT || !data.custom_id.startsWith(CUSTOM_ID_PREFIX)) return undefined;
  const key = data.custom_id.slice(CUSTOM_ID_PREFIX.length);
  const genre = GENRES.find((g) => data.values?.length === 1 && g === data.values[0]);
  return key && genre ? { key, genre } : undefined;
}

/** Why a correction was not stored; rendered by `feedbackProblemMessage`. */
export type FeedbackProblem =
  /** The kept answer is gone: older than a day, or forgotten by a gateway bot that restarted. */
  | { kind: 'expired' }
  /** The attachment URL no longer downloads (Discord's signature expired, or the file was deleted). */
  | { kind: 'poster_gone' }
  | { kind: 'rejected'; detail: string }
  | { kind: 'unavailable' }
  /** The Worker refused the bot itself (URL, token). */
  | { kind: 'misconfigured' };

export const feedbackThanks = (genre: Genre) => `Thanks! Saved: this movie is **${genre}**. Corrections like yours train the next model.`;

const AGAIN = 'Run `/genre` again, then correct the new answer.';

/** What the user reads when a correction is not stored: always ephemeral. */
export function feedbackProblemMessage(problem: FeedbackProblem): string {
  switch (problem.kind) {
    case 'expired':
      return `This answer is too old to correct — answers can be corrected for a day. ${AGAIN}`;
    case 'poster_gone':
      return `The poster can no longer be downloaded from Discord, so the correction was not saved. ${AGAIN}`;
    case 'rejected':
      return `The correction was refused: ${problem.detail}`;
    case 'unavailable':
      return 'Corrections cannot be saved right now. Please try again in a minute.';
    case 'misconfigured':
      return 'The bot cannot save corrections because of a configuration problem on our side. Please try again later.';
  }
}

/** An error answer of the Worker (POST /feedback, or its own poster download in serverless mode) as a problem. */
export function feedbackProblemFromApiError(error: { status: number; code: string; message: string }): FeedbackProblem {
  if (error.status >= 500) return { kind: 'unavailable' };
  // The poster was downloaded once for the answer: failing now, its signed URL has expired.
  if (error.code.startsWith('poster_url') || error.code === 'invalid_poster_url') return { kind: 'poster_gone' };
  return { kind: 'rejected', detail: error.message };
}
