import type { ChatInputCommandInteraction, RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { KeptAnswers } from '../keptAnswers';
import type { Logger } from '../log';
import type { FeedbackFn, PredictFn } from '../workerClient';

/** What a handler may use; injected so tests can pass short timeouts and local hosts. */
export interface CommandContext {
  predict: PredictFn;
  /** The Worker clients' per-attempt timeout, quoted when it expires. */
  predictTimeoutMs: number;
  sendFeedback: FeedbackFn;
  /** The answers whose "Correct genre…" menu still works. */
  answers: KeptAnswers;
  log: Logger;
}

/** One module per command, as in the discord.js guide: its registration data and its handler. */
export interface BotCommand {
  data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  /** `signal` aborts when the bot stops before this interaction is done; the handler then rejects promptly. */
  execute(interaction: ChatInputCommandInteraction, context: CommandContext, signal: AbortSignal): Promise<void>;
}
