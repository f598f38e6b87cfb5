import { Client, Events, MessageFlags, type ChatInputCommandInteraction } from 'discord.js';
import { commands } from './commands';
import type { CommandContext } from './commands/command';
import type { BotConfig } from './config';
import type { Logger } from './log';
import { createPredictClient } from './predictClient';

export interface RunningBot {
  client: Client<true>;
  /** Stops taking interactions, waits (bounded) for those in progress, then closes the gateway. */
  stop(): Promise<void>;
}

const SHUTDOWN_GRACE_MS = 10_000;
const FAILED = 'Something went wrong while answering. Please try again.';

async function answerFailure(interaction: ChatInputCommandInteraction): Promise<void> {
  if (interaction.deferred || interaction.replied) await interaction.editReply({ content: FAILED, embeds: [] });
  else await interaction.reply({ content: FAILED, flags: MessageFlags.Ephemeral });
}

/** Logs in and resolves once the gateway is READY. */
export async function startBot(config: BotConfig, log: Logger): Promise<RunningBot> {
  // No intents: slash commands arrive as INTERACTION_CREATE whatever the intents.
  const client = new Client({ intents: [], rest: config.rest });
  const context: CommandContext = {
    predict: createPredictClient(config.predict, log),
    predictTimeoutMs: config.predict.timeoutMs,
    posterUrlHosts: config.posterUrlHosts,
    log,
  };
  const inFlight = new Set<Promise<void>>();
  let stopping = false;

  client.on(Events.InteractionCreate, (interaction) => {
    if (stopping || !interaction.isChatInputCommand()) return;
    const command = commands.get(interaction.commandName);
    if (!command) {
      log.warn('unknown command', { command: interaction.commandName });
      return;
    }
    const run = command
      .execute(interaction, context)
      .catch(async (err: unknown) => {
        log.error('command failed', { command: interaction.commandName, interaction: interaction.id, error: err });
        await answerFailure(interaction).catch((e: unknown) => log.error('could not report the failure', { interaction: interaction.id, error: e }));
      })
      .finally(() => inFlight.delete(run));
    inFlight.add(run);
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
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), SHUTDOWN_GRACE_MS)));
      if ((await Promise.race([Promise.all(inFlight).then(() => 'done' as const), grace])) === 'timeout') {
        log.warn('interactions still running at shutdown', { inFlight: inFlight.size });
      }
      clearTimeout(timer);
      await client.destroy();
      log.info('stopped');
    },
  };
}
