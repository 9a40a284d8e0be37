/**
 * The parts of logging that need no logger: the redactor, the log format and the JSON line. Split from logging.ts
 * so that `connector version`, `--help` and the CLI's last words (a usage or configuration error) need not load the
 * logger and its files (bench/startup.ts).
 */
/**
 * The forms a secret takes on the wire and in a server's or proxy's echo of it: literal, URL-encoded, form-encoded,
 * JSON-escaped, base64 (with and without padding). Each is redacted.
 */
export function secretForms(secret: string): string[] {
  const base64 = Buffer.from(secret, 'utf8').toString('base64');
  const forms = new Set([secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1), base64, base64.replace(/=+$/, '')]);
  return [...forms].filter((f) => f.length >= 4);
}

/** Secret values registered while the config loads; replaced by `***` everywhere they appear, in every encoding. */
class Redactor {
  private values = new Set<string>();
  private pattern: RegExp | undefined;

  add(value: string | undefined): void {
    // Very short values would blank out ordinary words; no real password is shorter than 4 characters.
    if (!value || value.length < 4 || this.values.has(value)) return;
    for (const form of secretForms(value)) this.values.add(form);
    const sorted = [...this.values].sort((a, b) => b.length - a.length);
    this.pattern = new RegExp(sorted.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  }

  redact(text: string): string {
    return this.pattern ? text.replace(this.pattern, '***') : text;
  }

  /** Deep copy with every secret string redacted (for save-data files and printed payloads). */
  redactDeep<T>(value: T): T {
    if (!this.pattern) return value;
    return JSON.parse(this.redact(JSON.stringify(value))) as T;
  }

  clear(): void {
    this.values.clear();
    this.pattern = undefined;
  }
}

export const redactor = new Redactor();

/** `--log-format`: text (the original's lines) or json (one object per line, for log shippers). */
export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
let logFormat: LogFormat = 'text';

/** The format every transport writes in from now on (set before any work, from --log-format). */
export function setLogFormat(format: LogFormat): void {
  logFormat = format;
}

export function getLogFormat(): LogFormat {
  return logFormat;
}

/** Every string inside `value` redacted (structured fields may nest: `{ request: { url } }`). */
function redactValues(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactor.redact(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (value instanceof Error) return redactor.redact(value.message);
  if (Array.isArray(value)) return value.map((v) => redactValues(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValues(v, depth + 1)]));
}

/** Keys the logger or this module put on every line; everything else a caller passed is a structured field. */
const OWN_KEYS = new Set(['level', 'message', 'label', 'timestamp', 'splat']);

/**
 * One log line as JSON: time, level, logger (its name, e.g. `sources/ldap`), section (from a
 * `sources/<section>` logger), message, then the caller's structured fields. Redacted after the message was
 * (redactFormat), and again here for nested fields, so a secret never reaches a shipper in any field.
 */
export function jsonLine(info: Record<string, unknown>): string {
  const label = info.label === undefined ? undefined : String(info.label);
  const section = label?.startsWith('sources/') ? label.slice('sources/'.length) : undefined;
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(info)) if (!OWN_KEYS.has(k) && !(k in fields)) fields[k] = v;
  const line = {
    time: info.timestamp ?? new Date().toISOString(),
    level: info.level,
    ...(label !== undefined ? { logger: label } : {}),
    ...(section !== undefined ? { section } : {}),
    message: redactor.redact(String(info.message)),
    ...(redactValues(fields) as Record<string, unknown>),
  };
  return JSON.stringify(line);
}

/**
 * A line written outside the logger (the CLI's last words: a configuration error, an internal error) in the current
 * format, so that a log shipper reading --log-format json gets no plain text either.
 */
export function plainLine(level: string, logger: string, message: string): string {
  if (logFormat === 'json') return jsonLine({ level, label: logger, message, timestamp: new Date().toISOString() });
  return message;
}

