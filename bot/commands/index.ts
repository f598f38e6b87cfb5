import type { BotCommand } from './command';
import { genre } from './genre';

/** Every command the bot serves and `bot:register` registers, by name. */
export const commands = new Map<string, BotCommand>([[genre.data.name, genre]]);
