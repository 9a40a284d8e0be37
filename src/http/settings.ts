/**
 * Setting groups an HTTP source spreads into its schema instead of redeclaring them, so that the same setting has
 * the same validation, default and description in every source:
 *
 *   settings: { ...baseUrlSetting({ example: 'https://example.okta.com' }), ...apiTokenSetting(), ...concurrencySetting() }
 *
 * Setting names stay the original's per source (its config.ini must load unchanged), so each group takes the
 * names it declares as options where sources differ. TLS (verify_ssl, cacert_file, cacert_dir, ssl_protocol) and
 * proxies (HTTPS_PROXY, NO_PROXY) are common to every section already (src/config/commonSettings.ts).
 */
import { parseUrlSetting, setting, type Setting } from '../config/settings.js';
import { ConfigError } from '../errors.js';
import { DEFAULT_RATE_LIMIT } from './rateLimit.js';
import type { RateLimitPolicy } from './types.js';

interface UrlOptions<K extends string> {
  name?: K;
  description?: string;
  example?: string;
  /** The vendor's host, for SaaS sources whose original hard-coded it; then the setting is optional. */
  default?: string;
  /** Scheme and host only (no API path): the override of a vendor's host. */
  origin?: boolean;
}

/** `url`: the server's base URL, validated when the config loads (file:line on a URL that does not parse). */
export function baseUrlSetting<K extends string = 'url'>(opts: UrlOptions<K> = {}): Record<K, Setting<string>> {
  return {
    [opts.name ?? 'url']: setting.url({
      required: opts.default === undefined,
      default: opts.default,
      origin: opts.origin,
      example: opts.example,
      description: opts.description ??
        (opts.default ? `Scheme and host of the API (default ${opts.default}); change it for a proxy, a regional cloud or tests.` : 'URL of the server.'),
    }),
  } as Record<K, Setting<string>>;
}

/** `username` / `password` for HTTP Basic or a login. */
export function basicCredentialSettings<U extends string = 'username', P extends string = 'password'>(
  opts: { user?: U; password?: P; what?: string; required?: boolean } = {},
): Record<U | P, Setting<string>> {
  const what = opts.what ?? 'the API account';
  return {
    [opts.user ?? 'username']: setting.string({ required: opts.required, description: `User name of ${what}.` }),
    [opts.password ?? 'password']: setting.secret({ required: opts.required, description: `Password of ${what}.` }),
  } as Record<U | P, Setting<string>>;
}

/** `client_id` / `client_secret` (and an optional `token_url` override) of an OAuth2 client-credentials client. */
export function oauth2ClientSettings<I extends string = 'client_id', S extends string = 'client_secret'>(
  opts: { id?: I; secret?: S; tokenUrl?: string; required?: boolean } = {},
): Record<I | S, Setting<string>> & { token_url?: Setting<string> } {
  const out: Record<string, Setting<string>> = {
    [opts.id ?? 'client_id']: setting.string({ required: opts.required, description: 'OAuth2 client ID.' }),
    [opts.secret ?? 'client_secret']: setting.secret({ required: opts.required, description: 'OAuth2 client secret.' }),
  };
  if (opts.tokenUrl !== undefined) {
    out.token_url = setting.url({ default: opts.tokenUrl || undefined, description: `Token endpoint${opts.tokenUrl ? ` (default ${opts.tokenUrl})` : ''}.` });
  }
  return out as Record<I | S, Setting<string>>;
}

/** An API token or key (`api_token` unless the original named it otherwise). */
export function apiTokenSetting<K extends string = 'api_token'>(opts: { name?: K; description?: string; required?: boolean } = {}): Record<K, Setting<string>> {
  return {
    [opts.name ?? 'api_token']: setting.secret({ required: opts.required ?? true, description: opts.description ?? 'API token.' }),
  } as Record<K, Setting<string>>;
}

/**
 * `concurrency`: requests this source may have in flight at once (detail fetches, concurrent pages). 0 means
 * `--workers`, so a slow vendor API and the Oomnitza push pool can be tuned apart.
 */
export const concurrencySettings = {
  concurrency: setting.int({
    default: 0,
    min: 0,
    max: 64,
    description: 'Requests to the source in flight at once (detail fetches, pages); 0 = the value of --workers.',
  }),
};

/** Bounds of rate-limit waits (src/http/rateLimit.ts). */
export const rateLimitSettings = {
  rate_limit_max_wait: setting.int({
    default: DEFAULT_RATE_LIMIT.maxWaitMs / 1000,
    min: 1,
    max: 3600,
    description: 'Longest single wait, in seconds, when the source answers 429 (rate limited) and asks us to wait.',
  }),
};

/** The section's concurrency: its own setting when set, else --workers. */
export function concurrencyOf(settings: { concurrency?: number }, workers: number): number {
  return settings.concurrency && settings.concurrency > 0 ? settings.concurrency : Math.max(1, workers);
}

/** The client's rate-limit policy from rateLimitSettings. */
export function rateLimitOf(settings: { rate_limit_max_wait?: number }): Partial<RateLimitPolicy> {
  return settings.rate_limit_max_wait ? { maxWaitMs: settings.rate_limit_max_wait * 1000 } : {};
}

/**
 * A URL setting checked in create() rather than by the settings DSL (for sources whose tests or callers build
 * settings by hand): the same rules and messages as setting.url, as a ConfigError naming the section and key.
 */
export function checkBaseUrl(value: string, where: { section: string; key?: string }, opts: { origin?: boolean } = {}): string {
  try {
    return parseUrlSetting(value, opts);
  } catch (err) {
    throw new ConfigError({ section: where.section, key: where.key ?? 'url' }, (err as Error).message);
  }
}
