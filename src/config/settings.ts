/**
 * Settings schemas: each source declares its settings once, here is how. The same declaration
 * validates the INI, coerces strings to typed values, writes `generate-ini` output and tells the
 * logger which values are secrets.
 *
 *   export const settings = {
 *     url: setting.string({ required: true, example: 'https://jss.example.com', description: 'Jamf Pro URL' }),
 *     password: setting.secret({ required: true, description: 'API password' }),
 *     page_size: setting.int({ default: 500, description: 'Entries per page' }),
 *   };
 *   type Settings = SettingsOf<typeof settings>;   // { url: string; password: string; page_size: number }
 */

export interface Setting<T> {
  readonly kind: 'string' | 'bool' | 'int' | 'choice' | 'list' | 'json' | 'url';
  readonly description: string;
  /** Used when the INI leaves the setting out or empty (as the original: an empty value means "default"). */
  readonly default: T;
  readonly required: boolean;
  /** A password, token or key: redacted in every log line and never written to save-data files. */
  readonly secret: boolean;
  /** Shown by generate-ini when there is no meaningful default (e.g. a URL). */
  readonly example?: string;
  readonly choices?: readonly string[];
  /** Coerces the INI text; throws an Error whose message says what is wrong. */
  parse(raw: string): T;
}

export type SettingsSchema = Record<string, Setting<unknown>>;
export type SettingsOf<S extends SettingsSchema> = { [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

interface Options<T> {
  description: string;
  default?: T;
  required?: boolean;
  example?: string;
}

const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);

export function parseBool(raw: string): boolean {
  const v = raw.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw new Error(`"${raw}" is not a boolean (use True/False, yes/no, on/off or 1/0)`);
}

function make<T>(kind: Setting<T>['kind'], opts: Options<T>, fallback: T, parse: (raw: string) => T, extra: Partial<Setting<T>> = {}): Setting<T> {
  return {
    kind,
    description: opts.description,
    default: opts.default ?? fallback,
    required: opts.required ?? false,
    secret: false,
    example: opts.example,
    parse,
    ...extra,
  };
}

export const setting = {
  string: (opts: Options<string>) => make('string', opts, '', (raw) => raw),
  /** A string that is a credential. */
  secret: (opts: Options<string>) => make('string', opts, '', (raw) => raw, { secret: true }),
  bool: (opts: Options<boolean>) => make('bool', opts, false, parseBool),
  int: (opts: Options<number> & { min?: number; max?: number }) =>
    make('int', opts, 0, (raw) => {
      const n = Number(raw.trim());
      if (!Number.isInteger(n)) throw new Error(`"${raw}" is not a whole number`);
      if (opts.min !== undefined && n < opts.min) throw new Error(`${n} is below the minimum ${opts.min}`);
      if (opts.max !== undefined && n > opts.max) throw new Error(`${n} is above the maximum ${opts.max}`);
      return n;
    }),
  choice: <const C extends string>(choices: readonly C[], opts: Options<C>) =>
    make<C>(
      'choice',
      opts,
      choices[0],
      (raw) => {
        const match = choices.find((c) => c.toLowerCase() === raw.trim().toLowerCase());
        if (!match) throw new Error(`"${raw}" is not one of: ${choices.join(', ')}`);
        return match;
      },
      { choices },
    ),
  /** A comma-separated list, trimmed, empty items dropped (`sync_field = USER,EMAIL`). */
  list: (opts: Options<string[]>) =>
    make('list', opts, [], (raw) => raw.split(',').map((s) => s.trim()).filter(Boolean)),
  /**
   * An http(s) URL, checked when the config loads (a URL that does not parse is a config error with file:line,
   * not a connection failure later). Trailing slashes are removed. `origin: true` accepts scheme, host and port
   * only (the `url` override of a vendor's host); `schemes` widens the accepted schemes (ldap, ldaps).
   */
  url: (opts: Options<string> & { origin?: boolean; schemes?: readonly string[] }) =>
    make('url', opts, '', (raw) => parseUrlSetting(raw, opts)),
  json: <T>(opts: Options<T> & { default: T }) =>
    make<T>('json', opts, opts.default, (raw) => {
      try {
        return JSON.parse(raw) as T;
      } catch (err) {
        throw new Error(`not valid JSON (${(err as Error).message})`);
      }
    }),
};

const HTTP_SCHEMES = ['http', 'https'] as const;

export function parseUrlSetting(raw: string, opts: { origin?: boolean; schemes?: readonly string[] } = {}): string {
  const text = raw.trim();
  const schemes = opts.schemes ?? HTTP_SCHEMES;
  const example = `${schemes.includes('https') ? 'https' : schemes[0]}://host.example.com`;
  // "host:8080" and "host.example.com" are the usual slips: name what is missing.
  if (!text.includes('://')) throw new Error(`"${raw}" is not a URL: it has no scheme (expected e.g. ${example})`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`"${raw}" is not a URL (expected e.g. ${example})`);
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (!schemes.includes(scheme)) throw new Error(`"${raw}" must start with ${[...schemes].reverse().map((s) => `${s}://`).join(' or ')}`);
  if (!url.hostname) throw new Error(`"${raw}" has no host name`);
  if (url.search || url.hash) throw new Error(`"${raw}" must not contain ? or #`);
  if (opts.origin && url.pathname.replace(/\/+$/, '') !== '') {
    throw new Error(`"${raw}" must be scheme and host only (e.g. ${example}), without a path such as "${url.pathname}"`);
  }
  return url.toString().replace(/\/+$/, '');
}

/** How a default is written back into an INI file by generate-ini. */
export function formatDefault(s: Setting<unknown>): string {
  if (s.example !== undefined) return s.example;
  const d = s.default;
  if (typeof d === 'boolean') return d ? 'True' : 'False';
  if (Array.isArray(d) && s.kind === 'list') return d.join(',');
  if (s.kind === 'json') return JSON.stringify(d);
  return String(d ?? '');
}
