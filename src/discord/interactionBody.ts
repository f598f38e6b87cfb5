import { z } from '@hono/zod-openapi';
import type { ApplicationCommandType } from 'discord-api-types/v10';
import { InteractionType } from 'discord-interactions';

// What POST /interactions reads of Discord's interaction payload, validated once where it arrives: a
// correctly signed body that is not this shape gets a 400, not a TypeError deep in the handler.

const attachment = z.object({
  url: z.string(),
  filename: z.string(),
  size: z.number(),
  content_type: z.string().nullish(),
  width: z.number().nullish(),
  height: z.number().nullish(),
});

/**
 * A slash command's `data.type`. discord-interactions has no enum for command types, and discord-api-types'
 * runtime enums would add ~90 KB to the Worker bundle: a number that its type checks.
 */
export const CHAT_INPUT: ApplicationCommandType.ChatInput = 1;

const commandData = z.object({
  /** CHAT_INPUT (a slash command), or a user or message context-menu command. */
  type: z.number().int(),
  name: z.string(),
  options: z.array(z.object({ name: z.string(), type: z.number().int(), value: z.union([z.string(), z.number(), z.boolean()]).optional() })).optional(),
  resolved: z.object({ attachments: z.record(z.string(), attachment).optional() }).optional(),
});

/** A choice in a message component: the "Correct genre…" menu under a /genre answer (src/shared/discord/genreFeedback.ts). */
const componentData = z.object({
  custom_id: z.string(),
  component_type: z.number().int(),
  /** The chosen options' values, for a select menu. */
  values: z.array(z.string()).optional(),
});

const identity = { id: z.string(), application_id: z.string(), token: z.string() };

export const interactionBody = z
  .discriminatedUnion('type', [
    z.object({ ...identity, type: z.literal(InteractionType.APPLICATION_COMMAND).describe('application command'), data: commandData }),
    z.object({ ...identity, type: z.literal(InteractionType.MESSAGE_COMPONENT).describe('message component'), data: componentData }),
    // The others' data is not read.
    z.object({ ...identity, type: z.literal([InteractionType.PING, InteractionType.APPLICATION_COMMAND_AUTOCOMPLETE, InteractionType.MODAL_SUBMIT]) }),
  ])
  .openapi('Interaction', { description: "The fields of Discord's interaction payload that are read; others are ignored" });

export type Interaction = z.infer<typeof interactionBody>;
export type CommandData = z.infer<typeof commandData>;
