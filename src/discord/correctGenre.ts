import { posterWork } from '../admission';
import { ApiError } from '../apiError';
import type { Env } from '../env';
import { storeCorrection } from '../feedback/store';
import { log } from '../log';
import { posterFromUrl } from '../posterInput';
import { feedbackProblemFromApiError, feedbackProblemMessage, feedbackThanks, type FeedbackChoice, type FeedbackProblem } from '../shared/discord/genreFeedback';
import type { Interaction } from './interactionBody';
import { keptAnswer } from './keptAnswers';
import { callWebhook } from './webhook';

/** Stores the correction a choice in the menu makes, the poster downloaded again from its attachment URL. Its id, or why not. */
async function store(env: Env, interaction: Interaction, choice: FeedbackChoice): Promise<{ id: number } | FeedbackProblem> {
  const answer = await keptAnswer(env.DB, choice.key);
  if (!answer) {
    log('info', 'correction of an answer no longer kept', { interaction: interaction.id });
    return { kind: 'expired' };
  }
  const { posterUrl, ...rest } = answer;
  const save = async () => storeCorrection(env, { ...rest, genre: choice.genre, poster: posterUrl ? await posterFromUrl(posterUrl, env.POSTER_URL_HOSTS) : undefined });
  // A poster takes its turn like any other poster work, as POST /feedback's does.
  const id = await (posterUrl ? posterWork.run(save) : save());
  log('info', 'correction stored', { interaction: interaction.id, id, predicted: answer.predicted, genre: choice.genre });
  return { id };
}

/**
 * A choice in the "Correct genre…" menu (serverless mode), after its ephemeral deferral: stores the correction
 * and edits the deferral, which only the chooser sees, into the thanks or the reason it was not stored.
 */
export async function completeCorrection(env: Env, interaction: Interaction, choice: FeedbackChoice): Promise<void> {
  let content: string;
  try {
    const stored = await store(env, interaction, choice);
    content = 'id' in stored ? feedbackThanks(choice.genre) : feedbackProblemMessage(stored);
  } catch (err) {
    if (err instanceof ApiError) log('warn', 'correction refused', { interaction: interaction.id, status: err.status, code: err.code, message: err.message });
    else log('error', 'correction failed', { interaction: interaction.id, error: String(err) });
    content = feedbackProblemMessage(err instanceof ApiError ? feedbackProblemFromApiError(err) : { kind: 'unavailable' });
  }
  await callWebhook(env, interaction, 'PATCH', '/messages/@original', { content }).catch((err: unknown) =>
    log('error', 'discord webhook call failed', { interaction: interaction.id, error: String(err) }),
  );
}
