import { DiscordAPIError, MessageFlags, RESTJSONErrorCodes, type CommandInteraction } from 'discord.js';

/**
 * Answers only the user who invoked the command: an ephemeral reply, or, once a public deferral shows,
 * that deferral deleted and an ephemeral follow-up sent (a follow-up while the deferral shows would take
 * its place and stay public).
 */
export async function replyPrivately(interaction: CommandInteraction, content: string): Promise<void> {
  if (!interaction.deferred && !interaction.replied) {
    await interaction.reply({ content, flags: MessageFlags.Ephemeral });
    return;
  }
  // Unknown Message: the deferral is already gone (a moderator deleted it, or an earlier attempt did); still answer.
  await interaction.deleteReply().catch((err: unknown) => {
    if (!(err instanceof DiscordAPIError && err.code === RESTJSONErrorCodes.UnknownMessage)) throw err;
  });
  await interaction.followUp({ content, flags: MessageFlags.Ephemeral });
}
