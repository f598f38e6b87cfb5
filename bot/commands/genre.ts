import { ApiError } from '../../src/apiError';
import { checkGenreRequest, genreCommand, type GenreProblem, type PosterAttachment } from '../../src/shared/discord/genreCommand';
import { genreEmbed, problemFromApiError, problemMessage } from '../../src/shared/discord/genreReply';
import { posterFromUrl } from '../../src/posterInput';
import { sniffFormat } from '../../src/shared/imageDecode';
import { PredictError, type Prediction, type PredictInput } from '../predictClient';
import { replyPrivately } from '../privateReply';
import type { BotCommand } from './command';

/** A failure that has a user-facing problem attached. */
class GenreFailure extends Error {
  constructor(readonly problem: GenreProblem) {
    super(problem.kind);
  }
}

/**
 * Downloads with the Worker's posterUrl rules (host allow-list, timeout, size cap) and checks that the
 * bytes really are one of the accepted formats: the attachment's content type is only what Discord guessed.
 */
async function downloadPoster(poster: PosterAttachment, hosts: string, signal: AbortSignal): Promise<NonNullable<PredictInput['poster']>> {
  const bytes = await posterFromUrl(poster.url, hosts, signal);
  // sniffFormat recognises exactly the formats the classifier decodes.
  const format = sniffFormat(bytes);
  if (!format) throw new GenreFailure({ kind: 'not_image', filename: poster.filename, contentType: poster.contentType });
  return { bytes, filename: poster.filename, contentType: `image/${format}` };
}

function problemOf(err: unknown, timeoutMs: number): GenreProblem | undefined {
  if (err instanceof GenreFailure) return err.problem;
  if (err instanceof ApiError) return problemFromApiError(err);
  if (err instanceof PredictError) {
    if (err.kind === 'timeout') return { kind: 'predict_timeout', seconds: Math.ceil(timeoutMs / 1000) };
    if (err.kind === 'unavailable') return { kind: 'predict_unavailable' };
    if (err.kind === 'misconfigured') return { kind: 'predict_misconfigured' };
    return problemFromApiError({ status: err.status ?? 400, code: err.code ?? 'rejected', message: err.message });
  }
  return undefined;
}

export const genre: BotCommand = {
  data: genreCommand,
  async execute(interaction, { predict, predictTimeoutMs, posterUrlHosts, log }, signal) {
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
      const poster = checked.poster && (await downloadPoster(checked.poster, posterUrlHosts, signal));
      prediction = await predict({ plot: checked.plot, poster }, signal);
    } catch (err) {
      // An abort (the bot stopping) is not a problem of this input: the caller answers it.
      const problem = problemOf(err, predictTimeoutMs);
      if (!problem) throw err;
      log.warn('genre failed', { interaction: interaction.id, problem: problem.kind, error: err, ms: Date.now() - started });
      // Failures, often about the user's own input, are shown to that user only.
      await replyPrivately(interaction, problemMessage(problem));
      return;
    }
    log.info('genre answered', { interaction: interaction.id, top: prediction.top.genre, modelVersion: prediction.modelVersion, ms: Date.now() - started });
    await interaction.editReply({ embeds: [genreEmbed(prediction, { posterUrl: checked.poster?.url })] });
  },
};
