import type { RouteBases } from 'discord-api-types/v10';

// Typed by discord-api-types so that they stay Discord's own; written out because importing RouteBases at
// run time would bring the library's enums (~90 KB) into the Worker bundle.

type Host<Url> = Url extends `https://${infer H}` ? H : never;

/** Discord's REST base with the API version both Discord modes speak; tests point DISCORD_API_BASE at a fake. */
export const DISCORD_API_BASE: (typeof RouteBases)['api'] = 'https://discord.com/api/v10';

/** The hosts of Discord's attachment URLs, which the Worker downloads posters from. */
export const DISCORD_CDN_HOSTS: readonly Host<(typeof RouteBases)['cdn' | 'media']>[] = ['cdn.discordapp.com', 'media.discordapp.net'];
