/** Bindings and variables of the Worker (wrangler.toml, `.dev.vars`, secrets). */
export interface Env {
  /** R2 bucket holding manifest.json and the files it lists. */
  MODELS: R2Bucket;
  /** Seconds between checks (one R2 HEAD) for a republished manifest.json; default 30. */
  MODEL_RECHECK_SECONDS?: string;
  /** The web page's static files (public/). */
  ASSETS: Fetcher;
  /** When set (a secret), POST /predict requires `Authorization: Bearer <API_TOKEN>`. */
  API_TOKEN?: string;
  /** Comma-separated origins (or `*`) whose web pages may call the API from a browser (CORS); unset: same origin only. */
  CORS_ORIGINS?: string;
  /** Comma-separated host names that `posterUrl` may point at. */
  POSTER_URL_HOSTS?: string;
  /** Discord application public key (hex) for POST /interactions. */
  DISCORD_PUBLIC_KEY?: string;
  /** Discord REST base, overridable so tests can point at a local fake. */
  DISCORD_API_BASE?: string;
}

export type AppEnv = { Bindings: Env };
