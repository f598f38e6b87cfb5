import { InteractionResponseFlags, InteractionResponseType, InteractionType, verifyKey } from 'discord-interactions';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { posterWork } from '../admission';
import { ApiError, errorBody, errorContent } from '../apiError';
import type { AppEnv, Env } from '../env';
import { log } from '../log';
import { posterFromUrl } from '../posterInput';
import { predict, predictContext, type PredictContext } from '../predict';
import { checkGenreRequest, genreCommand, type PosterAttachment } from '../shared/discord/genreCommand';
import { feedbackChoice, feedbackMenu, feedbackProblemMessage } from '../shared/discord/genreFeedback';
import { FAILED_MESSAGE, genreEmbed, problemFromApiError, problemMessage, UNKNOWN_COMMAND_MESSAGE } from '../shared/discord/genreReply';
import { firstIssue } from '../shared/zodIssue';
import { completeCorrection } from './correctGenre';
import { genreRequestFromData } from './genreRequest';
import { CHAT_INPUT, interactionBody, type Interaction } from './interactionBody';
import { keepAnswer } from './keptAnswers';
import { firstSighting } from './replay';
import { callWebhook, succeeded, type WebhookBody } from './webhook';

/** Signed requests older (or newer) than this are refused, so a captured request cannot be replayed later. */
export const SIGNATURE_MAX_AGE_S = 5 * 60;
/**
 * Discord's interaction payloads are a few KB. The body is read before its signature can be checked, so
 * without a cap anyone could make the isolate (128 MB, a third of it models) buffer a 100 MB body.
 */
const INTERACTION_MAX_BYTES = 64 * 1024;

async function verified(body: string, signature: string | undefined, timestamp: string | undefined, publicKey: string): Promise<boolean> {
  if (!signature || !timestamp || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > SIGNATURE_MAX_AGE_S) return false;
  return verifyKey(body, signature, timestamp, publicKey);
}

// discord-interactions' enums: its runtime is in the bundle for verifyKey anyway (discord-api-types' would add ~90 KB).
const interactionResponse = z
  .object({
    type: z.literal([InteractionResponseType.PONG, InteractionResponseType.CHANNEL_MESSAGE_WITH_SOURCE, InteractionResponseType.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE]),
    data: z.object({ content: z.string().optional(), flags: z.literal(InteractionResponseFlags.EPHEMERAL) }).optional(),
  })
  .openapi('InteractionResponse', {
    description:
      'PONG (1); for /genre a deferral (5), or an ephemeral message (4, flags 64) for input refused at once; for a choice in the ' +
      '"Correct genre…" menu an ephemeral deferral (5, flags 64), or an ephemeral message (4, flags 64) for a menu it does not know',
  });
type InteractionResponse = z.infer<typeof interactionResponse>;

const ephemeral = (content: string): InteractionResponse => ({
  type: InteractionResponseType.CHANNEL_MESSAGE_WITH_SOURCE,
  data: { content, flags: InteractionResponseFlags.EPHEMERAL },
});

type GenreAnswer = Pick<WebhookBody, 'embeds' | 'components'> | { content: string };

/**
 * The embed replaces the deferred response. A failure goes to the caller only: the public deferral is
 * deleted and an ephemeral follow-up sent (a follow-up while the deferral shows would take its place, public).
 */
async function answerDeferred(env: Env, interaction: Interaction, answer: GenreAnswer): Promise<void> {
  if ('embeds' in answer) {
    if (succeeded(await callWebhook(env, interaction, 'PATCH', '/messages/@original', answer))) return;
    // Discord refused the embed: say so privately, as the gateway bot does, rather than leave "thinking…" showing.
    answer = { content: FAILED_MESSAGE };
  }
  // 404: the deferral is already gone (a moderator deleted it, say); the follow-up is still owed.
  const deleted = await callWebhook(env, interaction, 'DELETE', '/messages/@original');
  if (succeeded(deleted) || deleted === 404) await callWebhook(env, interaction, 'POST', '', { ...answer, flags: InteractionResponseFlags.EPHEMERAL });
}

async function completeGenre(context: PredictContext, interaction: Interaction, input: { plot?: string; poster?: PosterAttachment }): Promise<void> {
  const { env } = context;
  const started = Date.now();
  let answer: GenreAnswer;
  try {
    const { poster } = input;
    const classify = async () => predict(context, { plot: input.plot, poster: poster && (await posterFromUrl(poster.url, env.POSTER_URL_HOSTS)) });
    const { prediction } = await (poster ? posterWork.run(classify) : classify());
    const predicted = prediction.top.genre;
    // Kept before the embed is sent, so that the menu works as soon as it shows; without it the answer goes without the menu.
    const key = await keepAnswer(env.DB, { plot: input.plot, posterUrl: poster?.url, predicted, modelVersion: prediction.modelVersion }).catch((err: unknown) => {
      log('error', 'answer not kept: sent without its correction menu', { interaction: interaction.id, error: String(err) });
      return undefined;
    });
    answer = { embeds: [genreEmbed(prediction, { posterUrl: poster?.url })], components: key ? [feedbackMenu(key, predicted)] : [] };
    log('info', 'genre answered', { interaction: interaction.id, top: predicted, ms: Date.now() - started });
  } catch (err) {
    if (!(err instanceof ApiError)) log('error', 'genre failed', { interaction: interaction.id, error: String(err) });
    else log('warn', 'genre refused', { interaction: interaction.id, status: err.status, code: err.code, message: err.message });
    answer = { content: problemMessage(err instanceof ApiError ? problemFromApiError(err) : { kind: 'predict_unavailable' }) };
  }
  await answerDeferred(env, interaction, answer).catch((err: unknown) => log('error', 'discord webhook call failed', { interaction: interaction.id, error: String(err) }));
}

/**
 * Discord HTTP interactions (serverless mode): PING, /genre deferred then completed in waitUntil, and a choice
 * in the "Correct genre…" menu under its answer, deferred ephemerally then stored in waitUntil.
 */
export const interactionsRoute = new OpenAPIHono<AppEnv>();

// Documented only: the body must be read as text and its signature checked before it is parsed and validated.
interactionsRoute.openAPIRegistry.registerPath({
  method: 'post',
  path: '/interactions',
  operationId: 'discordInteraction',
  summary: "Discord's HTTP interactions endpoint (serverless mode): PING, /genre, and its \"Correct genre…\" menu",
  request: {
    headers: z.object({
      'x-signature-ed25519': z.string().openapi({ description: 'Ed25519 signature of timestamp + body by the application key (DISCORD_PUBLIC_KEY)' }),
      'x-signature-timestamp': z.string().openapi({ description: `Unix seconds; more than ${SIGNATURE_MAX_AGE_S} s off is refused` }),
    }),
    body: { content: { 'application/json': { schema: interactionBody } } },
  },
  responses: {
    200: { content: { 'application/json': { schema: interactionResponse } }, description: 'The interaction response' },
    400: errorContent('Signed, but not JSON (invalid_json) or not an interaction (invalid_request)'),
    401: errorContent('Signature missing, stale or invalid'),
    409: errorContent('An interaction id already handled: a replayed request, answered without doing anything'),
    413: errorContent(`Body over ${INTERACTION_MAX_BYTES} bytes`),
    503: errorContent('DISCORD_PUBLIC_KEY is not configured, or the database of handled interactions (D1) cannot be reached'),
  },
});

interactionsRoute.use(
  '/interactions',
  bodyLimit({
    maxSize: INTERACTION_MAX_BYTES,
    onError: (c) => c.json(errorBody('body_too_large', `an interaction body is at most ${INTERACTION_MAX_BYTES} bytes`), 413),
  }),
);

interactionsRoute.post('/interactions', async (c) => {
  const publicKey = c.env.DISCORD_PUBLIC_KEY;
  if (!publicKey) throw new ApiError(503, 'interactions_disabled', 'DISCORD_PUBLIC_KEY is not configured');
  const body = await c.req.text();
  if (!(await verified(body, c.req.header('x-signature-ed25519'), c.req.header('x-signature-timestamp'), publicKey))) {
    throw new ApiError(401, 'invalid_signature', 'request signature is missing, stale or invalid');
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new ApiError(400, 'invalid_json', 'interaction body is not JSON');
  }
  const parsed = interactionBody.safeParse(json);
  if (!parsed.success) throw new ApiError(400, 'invalid_request', `not an interaction: ${firstIssue(parsed.error)}`);
  const interaction = parsed.data;
  // Signed and well-formed, so its id is Discord's: at most once, whatever the interaction does.
  const first = await firstSighting(c.env.DB, interaction.id, SIGNATURE_MAX_AGE_S).catch((err: unknown) => {
    log('error', 'replay check failed', { interaction: interaction.id, error: String(err) });
    throw new ApiError(503, 'replay_check_unavailable', 'handled interactions cannot be checked right now; try again');
  });
  if (!first) {
    log('warn', 'interaction replayed', { interaction: interaction.id });
    throw new ApiError(409, 'interaction_replayed', `interaction ${interaction.id} was already handled`);
  }
  if (interaction.type === InteractionType.PING) return c.json({ type: InteractionResponseType.PONG } satisfies InteractionResponse);
  if (interaction.type === InteractionType.MESSAGE_COMPONENT) {
    const choice = feedbackChoice(interaction.data);
    if (!choice) return c.json(ephemeral(feedbackProblemMessage({ kind: 'expired' })));
    c.executionCtx.waitUntil(completeCorrection(c.env, interaction, choice));
    return c.json({ type: InteractionResponseType.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE, data: { flags: InteractionResponseFlags.EPHEMERAL } } satisfies InteractionResponse);
  }
  if (interaction.type !== InteractionType.APPLICATION_COMMAND || interaction.data.type !== CHAT_INPUT || interaction.data.name !== genreCommand.name) {
    return c.json(ephemeral(UNKNOWN_COMMAND_MESSAGE));
  }
  const checked = checkGenreRequest(genreRequestFromData(interaction.data));
  if (!checked.ok) return c.json(ephemeral(problemMessage(checked.problem)));
  c.executionCtx.waitUntil(completeGenre(predictContext(c), interaction, checked));
  return c.json({ type: InteractionResponseType.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE } satisfies InteractionResponse);
});
