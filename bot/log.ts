export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const SECRET_KEY = /token|authorization|secret|password/i;
// Interaction and webhook URLs carry the interaction token, which lets anyone answer as the bot for 15 min.
const TOKEN_IN_URL = /\/(webhooks|interactions)\/(\d+)\/[^/\s"?]+/g;
const REDACTED = '[redacted]';

function plain(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, ...('code' in value ? { code: value.code } : {}) };
  return value;
}

/**
 * JSON-lines logger. Values of secret-looking keys, every configured secret value wherever it
 * appears, and tokens inside Discord interaction URLs are replaced by "[redacted]".
 */
export function createLogger(options: { secrets?: readonly (string | undefined)[]; write?: (line: string) => void; level?: Level } = {}): Logger {
  const secrets = (options.secrets ?? []).filter((s): s is string => !!s && s.length >= 4);
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const order: Level[] = ['debug', 'info', 'warn', 'error'];
  const min = order.indexOf(options.level ?? 'info');

  const emit = (level: Level, msg: string, fields: Record<string, unknown> = {}) => {
    if (order.indexOf(level) < min) return;
    let line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }, (key, value) =>
      key && SECRET_KEY.test(key) && typeof value !== 'object' ? REDACTED : plain(value),
    );
    for (const s of secrets) line = line.replaceAll(s, REDACTED);
    write(line.replace(TOKEN_IN_URL, `/$1/$2/${REDACTED}`));
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
  };
}
