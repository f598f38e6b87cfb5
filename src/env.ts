import type { Lease } from './admission';
import type { RequestIdVariables } from 'hono/request-id';

/**
 * The Worker's env: wrangler.toml's bindings and vars come from worker-configuration.d.ts (`npm run types`);
 * these are the optional secrets and vars that wrangler.toml leaves unset, which `wrangler types` cannot see.
 */
export interface Env extends Cloudflare.Env {
  /** When set (a secret), POST /predict requires `Authorization: Bearer <API_TOKEN>`. */
  API_TOKEN?: string;
  /** Comma-separated origins (or `*`) whose web pages may call the API from a browser (CORS); unset: same origin only. */
  CORS_ORIGINS?: string;
  /** Comma-separated hosts (https), `host:port`s or origins that `posterUrl` may point at; unset: `DEFAULT_POSTER_URL_HOSTS` (src/shared/limits.ts). */
  POSTER_URL_HOSTS?: string;
  /** Discord application public key (hex) for POST /interactions. */
  DISCORD_PUBLIC_KEY?: string;
  /** Discord REST base, overridable so tests can point at a local fake. */
  DISCORD_API_BASE?: string;
}

export type AppEnv = {
  Bindings: Env;
  /** `admitted`: the slot for poster work this request holds (src/admission.ts). */
  Variables: RequestIdVariables & { admitted?: Lease };
};
