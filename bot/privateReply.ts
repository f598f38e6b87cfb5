import { DiscordAPIError, MessageFlags, RESTJSONErrorCodes, type CommandInteraction, type MessageComponentInteraction } from 'discord.js';

/**
 * Answers only the user who invoked the command or chose in the menu: an ephemeral reply; an edit of an
 * ephemeral deferral; or, once a public deferral shows, that deferral deleted and an ephemeral follow-up sent
 * (a follow-up while the deferral shows would take its place and stay public).
 */
export async function replyPrivately(interaction: CommandInteraction | MessageComponentInteraction, content: string): Promise<void> {
  if (!interaction.deferred && !interaction.replied) {
    await interaction.reply({ content, flags: MessageFlags.Ephemeral });
    return;
  }
  if (interaction.ephemeral) {
    await interaction.editReply(content);
    return;
  }
  // Unknown Message: the deferral is already gone (a moderator deleted it, or an earlier attempt did); still answer.
  await interaction.deleteReply().catch((err: unknown) => {
    if (!(err instanceof DiscordAPIError && err.code === RESTJSONErrorCodes.UnknownMessage)) throw err;
  });
  await interaction.followUp({ content, flags: MessageFlags.Ephemeral });
}
