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
 *
 * Every kind is checked when the config loads, so that a mistake is a config error with file:line (exit 2)
 * instead of a failure after work started: URLs parse, paths that must exist exist (relative to the INI's
 * folder), whole numbers have bounds (min and max are required), choices are one of theirs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What parsing may need besides the text. */
export interface ParseContext {
  /** Folder of the INI file: relative paths resolve against it. */
  configDir: string;
}

export interface Setting<T> {
  readonly kind: 'string' | 'bool' | 'int' | 'choice' | 'list' | 'json' | 'url' | 'path';
  readonly description: string;
  /** Used when the INI leaves the setting out or empty (as the original: an empty value means "default"). */
  readonly default: T;
  readonly required: boolean;
  /** A password, token or key: redacted in every log line and never written to save-data files. */
  readonly secret: boolean;
  /** Shown by generate-ini when there is no meaningful default (e.g. a URL). */
  readonly example?: string;
  readonly choices?: readonly string[];
  /** Coerces the INI text; throws an Error whose message says what is wrong. `path` settings need the context. */
  parse(raw: string, ctx?: ParseContext): T;
}

export type SettingsSchema = Record<string, Setting<unknown>>;
export type SettingsOf<S extends SettingsSchema> = { [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

interface Options<T> {
  description: string;
  default?: T;
  required?: boolean;
  example?: string;
  /** A further check of the parsed value; throws an Error saying what is wrong. */
  check?: (value: T) => void;
}

const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);

export function parseBool(raw: string): boolean {
  const v = raw.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw new Error(`"${raw}" is not a boolean (use True/False, yes/no, on/off or 1/0)`);
}

function make<T>(
  kind: Setting<T>['kind'],
  opts: Options<T>,
  fallback: T,
  parse: (raw: string, ctx?: ParseContext) => T,
  extra: Partial<Setting<T>> = {},
): Setting<T> {
  const check = opts.check;
  return {
    kind,
    description: opts.description,
    default: opts.default ?? fallback,
    required: opts.required ?? false,
    secret: false,
    example: opts.example,
    parse: check
      ? (raw, ctx) => {
          const value = parse(raw, ctx);
          check(value);
          return value;
        }
      : parse,
    ...extra,
  };
}

export const setting = {
  string: (opts: Options<string>) => make('string', opts, '', (raw) => raw),
  /** A string that is a credential. */
  secret: (opts: Options<string>) => make('string', opts, '', (raw) => raw, { secret: true }),
  bool: (opts: Options<boolean>) => make('bool', opts, false, parseBool),
  /** A whole number within [min, max]: both bounds are required, so that no count, size or wait is unbounded. */
  int: (opts: Options<number> & { min: number; max: number }) =>
    make('int', opts, 0, (raw) => {
      const text = raw.trim();
      const n = /^[+-]?\d+$/.test(text) ? Number(text) : NaN;
      if (!Number.isSafeInteger(n)) throw new Error(`"${raw}" is not a whole number`);
      if (n < opts.min) throw new Error(`${n} is below the minimum ${opts.min}`);
      if (n > opts.max) throw new Error(`${n} is above the maximum ${opts.max}`);
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
  /**
   * A file or folder that must exist when the config loads (a CA file, a CSV export, a secrets file). Relative
   * paths resolve against the INI's folder and `~/` against the home folder; the value is the absolute path.
   */
  path: (opts: Options<string> & { mustExist: 'file' | 'dir' }) =>
    make('path', opts, '', (raw, ctx) => parsePathSetting(raw, opts.mustExist, ctx)),
  json: <T>(opts: Options<T> & { default: T }) =>
    make<T>('json', opts, opts.default, (raw) => {
      try {
        return JSON.parse(raw) as T;
      } catch (err) {
        throw new Error(`not valid JSON (${(err as Error).message})`);
      }
    }),
};

const HTTP_SCHEMES = ['https', 'http'] as const;

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
    // "127.0.0.1:8080" or "oomnitza.example.com/api": a host without the scheme in front.
    const hostLike = /^[\w.-]+(:\d+)?(\/\S*)?$/.test(text) && /[.:]/.test(text);
    throw new Error(`"${raw}" ${hostLike ? 'has no scheme' : 'is not a URL'} (expected e.g. ${example})`);
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (!schemes.includes(scheme)) throw new Error(`"${raw}" must start with ${schemes.map((s) => `${s}://`).join(' or ')}`);
  if (!url.hostname) throw new Error(`"${raw}" has no host name`);
  if (url.search || url.hash) throw new Error(`"${raw}" must not contain ? or #`);
  if (opts.origin && url.pathname.replace(/\/+$/, '') !== '') {
    throw new Error(`"${raw}" must be scheme and host only (e.g. ${example}), without a path such as "${url.pathname}"`);
  }
  return url.toString().replace(/\/+$/, '');
}

export function parsePathSetting(raw: string, mustExist: 'file' | 'dir', ctx: ParseContext | undefined): string {
  // Resolving against the working directory instead would make a cron job's cwd decide which file is read.
  if (!ctx) throw new Error('a path setting is parsed without the config folder (a bug)');
  const text = raw.trim();
  const expanded = text === '~' || text.startsWith('~/') ? path.join(os.homedir(), text.slice(1)) : text;
  const resolved = path.resolve(ctx.configDir, expanded);
  const shown = resolved === text ? `"${text}"` : `"${text}" (${resolved})`;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(resolved);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new Error(`${shown} does not exist`);
    throw new Error(`${shown} cannot be read (${code ?? (err as Error).message})`);
  }
  if (mustExist === 'file' && !stat.isFile()) throw new Error(`${shown} is ${stat.isDirectory() ? 'a folder' : 'not a regular file'}; a file is expected`);
  if (mustExist === 'dir' && !stat.isDirectory()) throw new Error(`${shown} is a file; a folder is expected`);
  try {
    fs.accessSync(resolved, mustExist === 'dir' ? fs.constants.R_OK | fs.constants.X_OK : fs.constants.R_OK);
  } catch {
    throw new Error(`${shown} cannot be read (permission denied)`);
  }
  return resolved;
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
