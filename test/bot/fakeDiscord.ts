import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** One REST call the fake received; `path` is decoded and without the `/api/v10` prefix. */
export interface RecordedCall {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
  /** Status the fake answered with. */
  status: number;
  at: number;
}

export interface FakeDiscord {
  /** REST base as the Worker's DISCORD_API_BASE expects it: `http://127.0.0.1:PORT/api/v10`. */
  apiBase: string;
  applicationId: string;
  botUserId: string;
  calls: RecordedCall[];
  /** Resolves with the first call (already received or future) that matches. */
  waitForCall(match: (c: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  /** Sends INTERACTION_CREATE to every connected gateway session. */
  dispatchInteraction(interaction: object): void;
  /** Resolves when a client has identified and been sent READY. */
  whenReady(): Promise<void>;
  /** Answer the next request whose path matches with a 429 (Discord's rate-limit shape). */
  rateLimitNext(pathMatch: RegExp, retryAfterS: number): void;
  /** Answer the next `method` request whose path matches with this status and Discord error code. */
  failNext(method: string, pathMatch: RegExp, status: number, code: number): void;
  close(): Promise<void>;
}

const message = (applicationId: string, botUserId: string, body: Record<string, unknown>) => ({
  id: String(Date.now()),
  type: 20,
  channel_id: '300000000000000001',
  application_id: applicationId,
  author: { id: botUserId, username: 'genre-bot', discriminator: '0', avatar: null, global_name: null, bot: true },
  content: '',
  embeds: [],
  attachments: [],
  components: [],
  mentions: [],
  mention_roles: [],
  mention_everyone: false,
  pinned: false,
  tts: false,
  timestamp: new Date().toISOString(),
  edited_timestamp: new Date().toISOString(),
  flags: 0,
  ...body,
});

/**
 * The part of Discord that a discord.js 14 bot and the Worker's /interactions route use: gateway
 * (HELLO, IDENTIFY -> READY, heartbeats, dispatch) over WebSocket, and the REST routes for command
 * registration, interaction callbacks, editing or deleting the original response, and follow-ups.
 * See runtime-facts.md.
 */
export async function startFakeDiscord(options: { applicationId?: string; botUserId?: string } = {}): Promise<FakeDiscord> {
  const applicationId = options.applicationId ?? '100000000000000001';
  const botUserId = options.botUserId ?? applicationId;
  const calls: RecordedCall[] = [];
  const listeners = new Set<() => void>();
  const sockets = new Set<WebSocket>();
  /** Answers to give instead of the normal one, each once, to the next request it matches (any method when unset). */
  const scripted: { method?: string; pathMatch: RegExp; status: number; headers?: Record<string, string>; body: object }[] = [];
  /**
   * Buckets emptied by a scripted 429: as Discord does, the same method on a matching path gets 429 again until
   * its Retry-After has passed (less 50 ms of timer slack), so a client that retries early shows in the calls.
   */
  const emptied: { method: string; pathMatch: RegExp; until: number }[] = [];
  let sequence = 0;
  let readyCount = 0;
  const record = (call: RecordedCall) => {
    calls.push(call);
    for (const l of listeners) l();
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  const wss = new WebSocketServer({ server, path: '/gateway' });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const gatewayUrl = `ws://127.0.0.1:${port}/gateway`;

  function handle(req: IncomingMessage, res: ServerResponse, raw: string) {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v\d+/, '');
    let body: unknown = raw;
    if ((req.headers['content-type'] ?? '').includes('json') && raw) body = JSON.parse(raw);
    const reply = (status: number, answer?: unknown) => {
      record({ method: req.method ?? 'GET', path, headers: req.headers, body, status, at: Date.now() });
      if (answer === undefined) return void res.writeHead(status).end();
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    };

    const next = scripted.findIndex((r) => (r.method ?? req.method) === req.method && r.pathMatch.test(path));
    if (next >= 0) {
      const [{ pathMatch, status, headers, body: answer }] = scripted.splice(next, 1);
      for (const [name, value] of Object.entries(headers ?? {})) res.setHeader(name, value);
      if (status === 429) emptied.push({ method: req.method ?? 'GET', pathMatch, until: Date.now() + Number(headers?.['retry-after']) * 1000 - 50 });
      return reply(status, answer);
    }
    if (emptied.some((b) => b.method === req.method && b.pathMatch.test(path) && Date.now() < b.until)) {
      return reply(429, { message: 'You are being rate limited.', retry_after: 0.05, global: false });
    }

    let m: RegExpExecArray | null;
    if (req.method === 'GET' && path === '/gateway/bot') {
      return reply(200, { url: gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 } });
    }
    if (req.method === 'PUT' && (m = /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/.exec(path))) {
      const [, app, guild] = m;
      const commands = (body as object[]).map((c, i) => ({ id: `20000000000000000${i}`, application_id: app, ...(guild ? { guild_id: guild } : {}), version: '1', type: 1, ...c }));
      return reply(200, commands);
    }
    if (req.method === 'POST' && /^\/interactions\/\d+\/[^/]+\/callback$/.test(path)) return reply(204);
    if (req.method === 'PATCH' && /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/.test(path)) {
      return reply(200, message(applicationId, botUserId, body as Record<string, unknown>));
    }
    if (req.method === 'DELETE' && /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/.test(path)) return reply(204);
    // A follow-up message (discord.js adds ?wait=true and gets the message back).
    if (req.method === 'POST' && /^\/webhooks\/\d+\/[^/]+$/.test(path)) return reply(200, message(applicationId, botUserId, body as Record<string, unknown>));
    reply(404, { message: `fake Discord has no route ${req.method} ${path}`, code: 0 });
  }

  wss.on('connection', (ws) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41_250 }, s: null, t: null }));
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { op: number; d: unknown };
      if (frame.op === 1) ws.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
      if (frame.op === 2) {
        ws.send(
          JSON.stringify({
            op: 0,
            t: 'READY',
            s: ++sequence,
            d: {
              v: 10,
              user: { id: botUserId, username: 'genre-bot', discriminator: '0', avatar: null, global_name: null, bot: true, flags: 0 },
              guilds: [],
              session_id: 'fake-session',
              resume_gateway_url: gatewayUrl,
              application: { id: applicationId, flags: 0 },
              shard: [0, 1],
            },
          }),
        );
        readyCount++;
        for (const l of listeners) l();
      }
    });
  });

  function waitUntil<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = probe();
        if (found === undefined) return;
        listeners.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`fake Discord: no ${what} within ${timeoutMs} ms; calls: ${calls.map((c) => `${c.method} ${c.path}`).join(', ')}`));
      }, timeoutMs);
      listeners.add(check);
      check();
    });
  }

  return {
    apiBase: `http://127.0.0.1:${port}/api/v10`,
    applicationId,
    botUserId,
    calls,
    waitForCall: (match, timeoutMs = 15_000) => waitUntil(() => calls.find(match), timeoutMs, 'matching call'),
    whenReady: () => waitUntil(() => (readyCount > 0 ? true : undefined), 15_000, 'READY').then(() => undefined),
    dispatchInteraction(interaction) {
      for (const ws of sockets) ws.send(JSON.stringify({ op: 0, t: 'INTERACTION_CREATE', s: ++sequence, d: interaction }));
    },
    rateLimitNext: (pathMatch, retryAfterS) =>
      void scripted.push({
        pathMatch,
        status: 429,
        // The headers Discord sends with a bucket's 429: the bucket is empty until the reset.
        headers: {
          'retry-after': String(retryAfterS),
          'x-ratelimit-limit': '5',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset-after': String(retryAfterS),
          'x-ratelimit-bucket': 'fake-webhook-bucket',
          'x-ratelimit-scope': 'user',
        },
        body: { message: 'You are being rate limited.', retry_after: retryAfterS, global: false },
      }),
    failNext: (method, pathMatch, status, code) => void scripted.push({ method, pathMatch, status, body: { message: `fake Discord refused with ${code}`, code } }),
    async close() {
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
