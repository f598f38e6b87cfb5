import { z } from '@hono/zod-openapi';

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

const commandData = z.object({
  /** 1 chat input (slash command), 2 user, 3 message. */
  type: z.number().int(),
  name: z.string(),
  options: z.array(z.object({ name: z.string(), type: z.number().int(), value: z.union([z.string(), z.number(), z.boolean()]).optional() })).optional(),
  resolved: z.object({ attachments: z.record(z.string(), attachment).optional() }).optional(),
});

const identity = { id: z.string(), application_id: z.string(), token: z.string() };

export const interactionBody = z
  .discriminatedUnion('type', [
    z.object({ ...identity, type: z.literal(2).describe('application command'), data: commandData }),
    // PING (1), components (3), autocomplete (4), modals (5): their data is not read.
    z.object({ ...identity, type: z.literal([1, 3, 4, 5]) }),
  ])
  .openapi('Interaction', { description: "The fields of Discord's interaction payload that are read; others are ignored" });

export type Interaction = z.infer<typeof interactionBody>;
export type CommandData = z.infer<typeof commandData>;
