import type { GenreRequest } from '../shared/discord/genreCommand';
import type { CommandData } from './interactionBody';

/** The /genre options from a validated interaction payload (HTTP interactions mode). */
export function genreRequestFromData(data: CommandData): GenreRequest {
  const value = (name: string) => data.options?.find((o) => o.name === name)?.value;
  const plot = value('plot');
  const posterId = value('poster');
  const attachment = typeof posterId === 'string' ? data.resolved?.attachments?.[posterId] : undefined;
  return {
    plot: typeof plot === 'string' ? plot : undefined,
    poster: attachment && {
      url: attachment.url,
      filename: attachment.filename,
      size: attachment.size,
      contentType: attachment.content_type,
      width: attachment.width,
      height: attachment.height,
    },
  };
}
