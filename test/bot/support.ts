import { generateKeyPairSync, sign } from 'node:crypto';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Locale, type APIAttachment, type APIChatInputApplicationCommandInteraction, type APIEmbed } from 'discord-api-types/v10';
import { expect } from 'vitest';
import { GENRES } from '../../src/shared/labels';
import { gradient, toJpeg, toPng } from '../support/imageFixtures';

export interface LocalServer {
  url: string;
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 and a free port. */
export async function listen(handler: RequestListener): Promise<LocalServer> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export const POSTERS = {
  jpeg: toJpeg(gradient(150, 224), 150, 224),
  png: toPng(gradient(120, 180), 120, 180),
  text: new TextEncoder().encode('these are meeting notes, not a poster'),
};

/** Stands in for Discord's attachment CDN. */
export const startPosterServer = () =>
  listen((req, res) => {
    const files: Record<string, [string, Uint8Array]> = {
      '/attachments/poster.jpg': ['image/jpeg', POSTERS.jpeg],
      '/attachments/poster.png': ['image/png', POSTERS.png],
      '/attachments/fake.png': ['image/png', POSTERS.text],
    };
    const file = files[new URL(req.url ?? '/', 'http://x').pathname];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file[0], 'content-length': file[1].byteLength }).end(file[1]);
  });

// Snowflakes from the clock, as Discord makes them: the Worker handles each interaction id once, and its local
// database outlives a test run.
let nextId = BigInt(Date.now()) << 22n;
const snowflake = () => String(nextId++);

export interface PosterOption {
  url: string;
  filename: string;
  contentType?: string;
  size?: number;
  width?: number;
  height?: number;
}

/** A /genre invocation in a DM, as the gateway and the interactions endpoint deliver it. */
export function genreInteraction(applicationId: string, options: { plot?: string; poster?: PosterOption }): APIChatInputApplicationCommandInteraction {
  const id = snowflake();
  const user = { id: '500000000000000001', username: 'cinephile', discriminator: '0', avatar: null, global_name: 'Cinephile' };
  const attachment: APIAttachment | undefined = options.poster && {
    id: snowflake(),
    filename: options.poster.filename,
    size: options.poster.size ?? 1000,
    url: options.poster.url,
    proxy_url: options.poster.url,
    ...(options.poster.contentType ? { content_type: options.poster.contentType } : {}),
    ...(options.poster.width ? { width: options.poster.width, height: options.poster.height } : {}),
  };
  const interaction: APIChatInputApplicationCommandInteraction = {
    id,
    application_id: applicationId,
    type: 2,
    token: `interaction-token-${id}`,
    version: 1,
    data: {
      id: '200000000000000000',
      name: 'genre',
      type: 1,
      options: [
        ...(options.plot !== undefined ? [{ name: 'plot', type: 3 as const, value: options.plot }] : []),
        ...(attachment ? [{ name: 'poster', type: 11 as const, value: attachment.id }] : []),
      ],
      ...(attachment ? { resolved: { attachments: { [attachment.id]: attachment } } } : {}),
    },
    channel_id: '300000000000000001',
    channel: { id: '300000000000000001', type: 1, last_message_id: null, recipients: [user] },
    user,
    locale: Locale.EnglishUS,
    app_permissions: '562949953421311',
    entitlements: [],
    authorizing_integration_owners: { 1: user.id },
    context: 1,
    attachment_size_limit: 10 * 1024 * 1024,
  };
  return interaction;
}

/** An Ed25519 key pair signing the way Discord does: over `timestamp + body`, hex. */
export function discordSigner() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const publicKeyHex = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('hex');
  return {
    publicKeyHex,
    sign: (timestamp: string, body: string) => sign(null, Buffer.from(timestamp + body), privateKey).toString('hex'),
  };
}

export const PLOTS = {
  horror: 'A family moves into an old farmhouse where a demon haunts the cellar and possesses their daughter at night.',
  comedy: 'Two clumsy best friends accidentally swap their wedding invitations and hilarity ensues at a chaotic party.',
};

export interface DirectPrediction {
  genres: { genre: string; probability: number }[];
  tmdbGenres: { genre: string; probability: number }[];
  evidence?: { plot: { text: string; weight: number }[] };
  modelVersion: string;
  warnings: { code: string; message: string }[];
}

/** What the Worker itself answers for the same input, to compare the embed with. */
export async function predictDirect(workerUrl: string, plot: string | undefined, image?: Uint8Array): Promise<DirectPrediction> {
  const form = new FormData();
  if (plot) form.set('plot', plot);
  if (image) form.set('poster', new File([image as Uint8Array<ArrayBuffer>], 'poster', { type: 'image/jpeg' }));
  const res = await fetch(`${workerUrl}/predict`, { method: 'POST', body: form });
  expect(res.status).toBe(200);
  return (await res.json()) as DirectPrediction;
}

export const WARNINGS_FIELD = '⚠️ Take this answer with care';
export const TMDB_FIELD = 'TMDB genres it would likely have (each scored on its own)';

/**
 * The embed shows the top genre (for Others, the three most likely of the TMDB genres it merges), the
 * answer's warnings first, the top three with 12-cell bars and percentages, the five most likely TMDB genres,
 * the first five evidence phrases of a plot, and the model version.
 */
export function expectEmbedFor(embed: APIEmbed, expected: DirectPrediction) {
  const [top, second, third] = expected.genres;
  const others = expected.tmdbGenres.map((g) => g.genre).filter((g) => !(GENRES as readonly string[]).includes(g));
  expect(embed.title).toBe(top.genre === 'Others' ? `🎬 Others — most likely ${others.slice(0, 3).join(', ')}` : `🎬 ${top.genre}`);
  expect(embed.description).toContain(`**${top.genre}** (${(top.probability * 100).toFixed(1)}%)`);
  expect(embed.footer?.text).toBe(`model ${expected.modelVersion}`);
  const fields = embed.fields!;
  const evidence = expected.evidence?.plot ?? [];
  expect(fields.map((f) => f.name)).toEqual([
    ...(expected.warnings.length ? [WARNINGS_FIELD] : []),
    'Top 3',
    TMDB_FIELD,
    ...(evidence.length ? [`What in the plot points to ${top.genre}`] : []),
  ]);
  const field = (name: string) => fields.find((f) => f.name === name)!.value;
  if (expected.warnings.length) expect(field(WARNINGS_FIELD)).toBe(expected.warnings.map((w) => `• ${w.message}`).join('\n'));
  expect(field(TMDB_FIELD)).toBe(expected.tmdbGenres.slice(0, 5).map((g) => `${g.genre} ${Math.round(g.probability * 100)}%`).join(' · '));
  const rows = field('Top 3').split('\n').filter((l) => /[█░]/.test(l));
  expect(rows).toHaveLength(3);
  [top, second, third].forEach((g, i) => {
    expect(rows[i]).toMatch(new RegExp(`^${g.genre}\\s+[█░]{12}\\s+${(g.probability * 100).toFixed(1)}%$`));
    expect((rows[i].match(/█/g) ?? []).length).toBe(Math.round(g.probability * 12));
  });
  // The test plots are plain words: nothing to escape or cut.
  if (evidence.length) expect(field(`What in the plot points to ${top.genre}`)).toBe(evidence.slice(0, 5).map((e) => `“${e.text}”`).join(', '));
}
