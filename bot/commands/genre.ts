import type { Prediction } from '../../src/shared/apiSchemas';
import { checkGenreRequest, genreCommand, type GenreProblem } from '../../src/shared/discord/genreCommand';
import { feedbackMenu } from '../../src/shared/discord/genreFeedback';
import { genreEmbed, problemFromApiError, problemMessage } from '../../src/shared/discord/genreReply';
import { replyPrivately } from '../privateReply';
import { WorkerError } from '../workerClient';
import type { BotCommand } from './command';

/** The user-facing problem of a failed /predict call; undefined for anything else (an abort: the caller answers it). */
function problemOf(err: unknown, timeoutMs: number): GenreProblem | undefined {
  if (!(err instanceof WorkerError)) return undefined;
  if (err.kind === 'timeout') return { kind: 'predict_timeout', seconds: Math.ceil(timeoutMs / 1000) };
  if (err.kind === 'unavailable') return { kind: 'predict_unavailable' };
  if (err.kind === 'misconfigured') return { kind: 'predict_misconfigured' };
  return problemFromApiError({ status: err.status ?? 400, code: err.code ?? 'rejected', message: err.message });
}

export const genre: BotCommand = {
  data: genreCommand,
  async execute(interaction, { predict, predictTimeoutMs, answers, log }, signal) {
    const attachment = interaction.options.getAttachment('poster');
    const checked = checkGenreRequest({
      plot: interaction.options.getString('plot') ?? undefined,
      poster: attachment
        ? { url: attachment.url, filename: attachment.name, size: attachment.size, contentType: attachment.contentType, width: attachment.width, height: attachment.height }
        : undefined,
    });
    // Input problems are answered at once and only to the caller; everything slower runs after the defer.
    if (!checked.ok) {
      log.info('genre refused', { interaction: interaction.id, problem: checked.problem.kind });
      await replyPrivately(interaction, problemMessage(checked.problem));
      return;
    }
    await interaction.deferReply();

    const started = Date.now();
    let prediction: Prediction;
    try {
      // The Worker downloads the attachment itself: Discord's CDN is on its allow-list, and the poster's bytes
      // need not cross the bot's network twice (docs/decisions/bot-poster-transfer.md).
      prediction = await predict({ plot: checked.plot, posterUrl: checked.poster?.url }, signal);
    } catch (err) {
      const problem = problemOf(err, predictTimeoutMs);
      if (!problem) throw err;
      log.warn('genre failed', { interaction: interaction.id, problem: problem.kind, error: err, ms: Date.now() - started });
      // Failures, often about the user's own input, are shown to that user only.
      await replyPrivately(interaction, problemMessage(problem));
      return;
    }
    const predicted = prediction.top.genre;
    log.info('genre answered', { interaction: interaction.id, top: predicted, modelVersion: prediction.modelVersion, ms: Date.now() - started });
    const key = answers.keep({ plot: checked.plot, posterUrl: checked.poster?.url, predicted, modelVersion: prediction.modelVersion });
    await interaction.editReply({ embeds: [genreEmbed(prediction, { posterUrl: checked.poster?.url })], components: [feedbackMenu(key, predicted)] });
  },
};
