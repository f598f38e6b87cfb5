import { MessageFlags, type MessageComponentInteraction } from 'discord.js';
import { feedbackChoice, feedbackProblemFromApiError, feedbackProblemMessage, feedbackThanks, type FeedbackProblem } from '../src/shared/discord/genreFeedback';
import type { CommandContext } from './commands/command';
import { replyPrivately } from './privateReply';
import { WorkerError } from './workerClient';

/** The user-facing problem of a failed POST /feedback; undefined for anything else (an abort: the caller answers it). */
function problemOf(err: unknown): FeedbackProblem | undefined {
  if (!(err instanceof WorkerError)) return undefined;
  if (err.kind === 'misconfigured') return { kind: 'misconfigured' };
  if (err.kind === 'rejected') return feedbackProblemFromApiError({ status: err.status ?? 400, code: err.code ?? 'rejected', message: err.message });
  return { kind: 'unavailable' };
}

/**
 * A choice in the "Correct genre…" menu under a /genre answer: deferred ephemerally, sent to the Worker's
 * POST /feedback with the kept answer (the poster as its attachment URL, which the Worker downloads), and
 * answered to the chooser only. A menu whose answer is no longer kept is answered at once.
 */
export async function correctGenre(interaction: MessageComponentInteraction, { answers, sendFeedback, log }: CommandContext, signal: AbortSignal): Promise<void> {
  const choice = interaction.isStringSelectMenu()
    ? feedbackChoice({ custom_id: interaction.customId, component_type: interaction.componentType, values: interaction.values })
    : undefined;
  const answer = choice && answers.find(choice.key);
  if (!choice || !answer) {
    log.info('correction of an answer no longer kept', { interaction: interaction.id });
    return replyPrivately(interaction, feedbackProblemMessage({ kind: 'expired' }));
  }
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const started = Date.now();
  try {
    const { id } = await sendFeedback({ ...answer, genre: choice.genre }, signal);
    log.info('correction stored', { interaction: interaction.id, id, predicted: answer.predicted, genre: choice.genre, ms: Date.now() - started });
    await interaction.editReply(feedbackThanks(choice.genre));
  } catch (err) {
    const problem = problemOf(err);
    if (!problem) throw err;
    log.warn('correction failed', { interaction: interaction.id, problem: problem.kind, error: err, ms: Date.now() - started });
    await interaction.editReply(feedbackProblemMessage(problem));
  }
}
