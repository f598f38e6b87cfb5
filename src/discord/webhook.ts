import type { APIActionRowComponent, APIEmbed, APIStringSelectComponent } from 'discord-api-types/v10';
import type { InteractionResponseFlags } from 'discord-interactions';
import type { Env } from '../env';
import { log } from '../log';
import { DISCORD_API_BASE } from '../shared/discord/endpoints';
import type { Interaction } from './interactionBody';

/** Longest Discord rate-limit wait honoured before the one retry of a webhook call. */
const MAX_RATE_LIMIT_WAIT_MS = 5_000;

/** The fields of Discord's webhook message bodies that are sent. */
export type WebhookBody = Partial<{
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIStringSelectComponent>[];
  content: string;
  flags: InteractionResponseFlags;
}>;

/** One call to the interaction's webhook; on a 429 wait as Discord asks (bounded) and try once more. Its final HTTP status. */
export async function callWebhook(env: Env, interaction: Interaction, method: 'PATCH' | 'DELETE' | 'POST', path: string, body?: WebhookBody): Promise<number> {
  const url = `${env.DISCORD_API_BASE ?? DISCORD_API_BASE}/webhooks/${interaction.application_id}/${interaction.token}${path}`;
  const init: RequestInit = body ? { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : { method };
  let res = await fetch(url, init);
  if (res.status === 429) {
    const retryAfterS = Number(((await res.json().catch(() => ({}))) as { retry_after?: number }).retry_after ?? res.headers.get('retry-after') ?? 1);
    await new Promise((r) => setTimeout(r, Math.min(retryAfterS * 1000, MAX_RATE_LIMIT_WAIT_MS)));
    res = await fetch(url, init);
  }
  // The URL holds the interaction token, so only the method and status are logged.
  if (!res.ok) log('error', 'discord webhook call failed', { interaction: interaction.id, method, status: res.status });
  await res.body?.cancel();
  return res.status;
}

export const succeeded = (status: number) => status >= 200 && status < 300;
