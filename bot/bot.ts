import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Events, type CommandInteraction, type MessageComponentInteraction } from 'discord.js';
import { FAILED_MESSAGE, UNKNOWN_COMMAND_MESSAGE } from '../src/shared/discord/genreReply';
import { commands } from './commands';
import type { CommandContext } from './commands/command';
import type { BotConfig } from './config';
import { correctGenre } from './correctGenre';
import { createKeptAnswers, type KeptAnswersOptions } from './keptAnswers';
import type { Logger } from './log';
import { replyPrivately } from './privateReply';
import { createFeedbackClient, createPredictClient } from './workerClient';

export interface RunningBot {
  client: Client<true>;
  /**
   * Answers new interactions with "restarting", waits (bounded) for those in progress, aborts the ones
   * still running so that each tells its user the same, then closes the gateway.
   */
  stop(): Promise<void>;
}

export interface BotOptions {
  /** How long stop() lets interactions in progress finish before aborting them. */
  shutdownGraceMs?: number;
  /** Limits of the answers kept for the "Correct genre…" menu. */
  keptAnswers?: KeptAnswersOptions;
}

const SHUTDOWN_GRACE_MS = 10_000;
/** How long stop() then waits for the aborted interactions to post their message. */
const ABORTED_REPLY_MS = 5_000;
const RESTARTING = 'The bot is restarting; please try again in a moment.';

/** What a log line says of an interaction: its command, or for a component its type (the custom id only carries a key). */
const about = (interaction: CommandInteraction | MessageComponentInteraction) =>
  interaction.isCommand() ? { command: interaction.commandName } : { componentType: interaction.componentType };

/** Whether every promise settled within `ms` (the timer does not hold the process open). */
const settledWithin = (work: Promise<unknown>[], ms: number): Promise<boolean> =>
  Promise.race([Promise.all(work).then(() => true), sleep(ms, false, { ref: false })]);

/** Logs in and resolves once the gateway is READY. */
export async function startBot(config: BotConfig, log: Logger, options: BotOptions = {}): Promise<RunningBot> {
  // No intents: slash commands arrive as INTERACTION_CREATE whatever the intents.
  const client = new Client({ intents: [], rest: config.rest });
  const context: CommandContext = {
    predict: createPredictClient(config.predict, log),
    predictTimeoutMs: config.predict.timeoutMs,
    sendFeedback: createFeedbackClient(config.feedback, log),
    answers: createKeptAnswers(options.keptAnswers),
    log,
  };
  // Each interaction in progress, with the controller that stop() aborts once the grace period is over.
  const inFlight = new Map<Promise<void>, AbortController>();
  let stopping = false;

  async function answer(interaction: CommandInteraction | MessageComponentInteraction, signal: AbortSignal): Promise<void> {
    if (stopping) {
      log.info('interaction refused while shutting down', { ...about(interaction), interaction: interaction.id });
      return replyPrivately(interaction, RESTARTING);
    }
    // The only components are the "Correct genre…" menus under /genre's answers.
    if (interaction.isMessageComponent()) return correctGenre(interaction, context, signal);
    const command = commands.get(interaction.commandName);
    // A user or message command (a stale registration) is unknown even when it shares a slash command's name.
    if (!command || !interaction.isChatInputCommand()) {
      log.warn('unknown command', { command: interaction.commandName });
      return replyPrivately(interaction, UNKNOWN_COMMAND_MESSAGE);
    }
    await command.execute(interaction, context, signal);
  }

  client.on(Events.InteractionCreate, (interaction) => {
    // Slash, user and message commands, and components; /genre has no autocomplete.
    if (!interaction.isCommand() && !interaction.isMessageComponent()) return;
    const controller = new AbortController();
    const run = answer(interaction, controller.signal)
      .catch(async (err: unknown) => {
        // Aborted by stop(): expected, and the user can simply try again once the bot is back.
        const aborted = controller.signal.aborted;
        if (aborted) log.warn('interaction aborted at shutdown', { ...about(interaction), interaction: interaction.id });
        else log.error('command failed', { ...about(interaction), interaction: interaction.id, error: err });
        await replyPrivately(interaction, aborted ? RESTARTING : FAILED_MESSAGE).catch((e: unknown) => log.error('could not report the failure', { interaction: interaction.id, error: e }));
      })
      .finally(() => inFlight.delete(run));
    inFlight.set(run, controller);
  });
  client.on(Events.Error, (err) => log.error('discord client error', { error: err }));
  client.on(Events.Warn, (message) => log.warn('discord client warning', { message }));
  client.rest.on('rateLimited', (info) => log.warn('discord rate limit', { route: info.route, retryAfterMs: info.retryAfter, global: info.global }));

  const ready = new Promise<Client<true>>((resolve) => client.once(Events.ClientReady, resolve));
  await client.login(config.token);
  const readyClient = await ready;
  if (readyClient.application.id !== config.applicationId) {
    log.warn('DISCORD_APPLICATION_ID differs from the application of DISCORD_TOKEN; commands registered for one will not reach the other', {
      configured: config.applicationId,
      actual: readyClient.application.id,
    });
  }
  log.info('bot ready', { user: readyClient.user.tag, application: readyClient.application.id, commands: [...commands.keys()] });

  return {
    client: readyClient,
    async stop() {
      stopping = true;
      log.info('shutting down', { inFlight: inFlight.size });
      if (!(await settledWithin([...inFlight.keys()], options.shutdownGraceMs ?? SHUTDOWN_GRACE_MS))) {
        log.warn('interactions still running after the grace period; aborting them', { inFlight: inFlight.size });
        for (const controller of inFlight.values()) controller.abort();
      }
      // Also covers the "restarting" answers to interactions that arrived during the grace period.
      if (!(await settledWithin([...inFlight.keys()], ABORTED_REPLY_MS))) log.warn('interactions still unanswered at shutdown', { inFlight: inFlight.size });
      await client.destroy();
      log.info('stopped');
    },
  };
}
