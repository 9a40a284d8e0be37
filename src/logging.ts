/**
 * Logging: winston, configured from logging.json. The file uses the shape of the original's Python
 * dictConfig (handlers with a level, filename, maxBytes, backupCount; root level; per-logger levels), so
 * an admin's existing logging.json keeps working. Every line passes through the redactor: values that
 * came from secrets or password/token/secret settings never reach a console or a file.
 */
import fs from 'node:fs';
import path from 'node:path';
import winston from 'winston';
import { ConfigError, type ConfigLocation } from './errors.js';
import { RotatingLogFile } from './logFile.js';
import { describeFsError, makeDirectories } from './makeDirectories.js';

export type { Logger } from 'winston';

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

interface HandlerConfig {
  class?: string;
  level?: string | number;
  filename?: string;
  maxBytes?: number;
  backupCount?: number;
  stream?: string;
}
interface LoggingConfig {
  handlers?: Record<string, HandlerConfig>;
  root?: { level?: string | number; handlers?: string[] };
  loggers?: Record<string, { level?: string | number }>;
}

const LEVELS: Record<string, string> = {
  critical: 'error',
  fatal: 'error',
  error: 'error',
  warning: 'warn',
  warn: 'warn',
  info: 'info',
  debug: 'debug',
  notset: 'debug',
};
const ORDER = ['error', 'warn', 'info', 'debug'];
/** How long the exit path waits for log transports to finish; a wedged transport must not hold the exit code. */
export const LOG_FLUSH_TIMEOUT_MS = 2000;

/** Python level names, or its numbers (10 DEBUG ... 50 CRITICAL), as dictConfig accepts them. */
function parseLevel(value: string | number | undefined, where: ConfigLocation): string {
  if (value === undefined) return 'info';
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) {
    return value >= 40 ? 'error' : value >= 30 ? 'warn' : value >= 20 ? 'info' : 'debug';
  }
  const found = typeof value === 'string' ? LEVELS[value.toLowerCase()] : undefined;
  if (!found) throw new ConfigError(where, `unknown level ${JSON.stringify(value)} (use DEBUG, INFO, WARNING, ERROR or CRITICAL)`);
  return found;
}

function parseCount(value: unknown, fallback: number, where: ConfigLocation): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ConfigError(where, `must be a whole number of 0 or more, not ${JSON.stringify(value)}`);
  }
  return value;
}

let loggerLevels: Record<string, string> = {};
let rootLevel = 'info';

const applyLoggerLevel = winston.format((info) => {
  const name = String(info.label ?? '');
  // The most specific configured prefix wins: "sources" covers "sources/ldap".
  const match = Object.keys(loggerLevels)
    .filter((k) => name === k || name.startsWith(`${k}/`))
    .sort((a, b) => b.length - a.length)[0];
  const limit = match ? loggerLevels[match] : rootLevel;
  return ORDER.indexOf(info.level) <= ORDER.indexOf(limit) ? info : false;
});

const redactFormat = winston.format((info) => {
  info.message = redactor.redact(String(info.message));
  for (const key of Object.keys(info)) {
    if (key !== 'message' && key !== 'level' && typeof info[key] === 'string') info[key] = redactor.redact(info[key] as string);
  }
  return info;
});

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

/** Keys winston or this module put on every line; everything else a caller passed is a structured field. */
const OWN_KEYS = new Set(['level', 'message', 'label', 'timestamp', 'splat']);

/**
 * One log line as JSON: time, level, logger (the winston label, e.g. `sources/ldap`), section (from a
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

const lineFormat = winston.format.printf((info) =>
  logFormat === 'json'
    ? jsonLine(info)
    : `${info.timestamp} ${info.level.toUpperCase()} ${info.label ? `${info.label}: ` : ''}${info.message}`,
);

/**
 * A line written outside winston (the CLI's last words: a configuration error, an internal error) in the current
 * format, so that a log shipper reading --log-format json gets no plain text either.
 */
export function plainLine(level: string, logger: string, message: string): string {
  if (logFormat === 'json') return jsonLine({ level, label: logger, message, timestamp: new Date().toISOString() });
  return message;
}

const root = winston.createLogger({
  level: 'debug',
  format: winston.format.combine(applyLoggerLevel(), redactFormat(), winston.format.timestamp(), lineFormat),
  transports: [new winston.transports.Console({ level: 'info', stderrLevels: ORDER })],
});
/** The log files currently open, closed when logging is configured again and at exit. */
let logFiles: RotatingLogFile[] = [];

export function getLogger(name: string): winston.Logger {
  return root.child({ label: name });
}

/**
 * Opens a file handler's file now, so that a directory that cannot be created or a file that cannot be opened
 * is a config error before any work, naming logging.json and the handler.
 */
function openLogFile(name: string, h: HandlerConfig, configFile: string, configDir: string): RotatingLogFile {
  const at = (key: string): ConfigLocation => ({ file: configFile, key: `handlers.${name}.${key}` });
  if (typeof h.filename !== 'string') throw new ConfigError(at('filename'), 'must be a file name');
  const maxBytes = parseCount(h.maxBytes, 10 * 1024 * 1024, at('maxBytes'));
  const backupCount = parseCount(h.backupCount, 5, at('backupCount'));
  const filename = path.resolve(configDir, h.filename);
  try {
    makeDirectories(path.dirname(filename));
  } catch (err) {
    throw new ConfigError(at('filename'), `cannot create the log directory of "${filename}": ${describeFsError(err)}`);
  }
  try {
    return new RotatingLogFile(filename, {
      maxBytes,
      backupCount,
      // Straight to stderr: the failing file may be the only handler, and this must be seen once, not per line.
      onFirstError: (err) =>
        process.stderr.write(
          `connector: cannot write the log file "${filename}" (handler "${name}" in ${configFile}): ${describeFsError(err)}; ` +
            'its log lines are being lost\n',
        ),
    });
  } catch (err) {
    throw new ConfigError(at('filename'), `cannot open the log file "${filename}" for writing: ${describeFsError(err)}`);
  }
}

/** Reads logging.json; a missing default file means "console at info", a missing explicit file is an error. */
export function configureLogging(file: string, explicit: boolean, baseDir = process.cwd()): void {
  const resolved = path.resolve(baseDir, file);
  let config: LoggingConfig = {};
  if (fs.existsSync(resolved)) {
    try {
      config = JSON.parse(fs.readFileSync(resolved, 'utf8')) as LoggingConfig;
    } catch (err) {
      throw new ConfigError({ file }, `logging config is not valid JSON: ${(err as Error).message}`);
    }
  } else if (explicit) {
    throw new ConfigError({ file }, 'logging config file not found (--logging-config)');
  }
  const newRootLevel = parseLevel(config.root?.level, { file, key: 'root.level' });
  const newLoggerLevels = Object.fromEntries(
    Object.entries(config.loggers ?? {}).map(([k, v]) => [k, parseLevel(v?.level, { file, key: `loggers.${k}.level` })]),
  );
  const names = config.root?.handlers ?? Object.keys(config.handlers ?? {});
  const transports: winston.transport[] = [];
  const files: RotatingLogFile[] = [];
  try {
    for (const name of names) {
      const h = Object.hasOwn(config.handlers ?? {}, name) ? config.handlers![name] : undefined;
      if (!h) throw new ConfigError({ file, key: 'root.handlers' }, `handler "${name}" is not defined under "handlers"`);
      const handlerLevel = parseLevel(h.level, { file, key: `handlers.${name}.level` });
      if (h.filename !== undefined) {
        const logFile = openLogFile(name, h, file, path.dirname(resolved));
        files.push(logFile);
        transports.push(new winston.transports.Stream({ stream: logFile, level: handlerLevel }));
      } else {
        transports.push(
          new winston.transports.Console({
            level: handlerLevel,
            // Logs go to stderr unless the config asks for stdout, so `--testmode > payloads.json` stays clean.
            stderrLevels: h.stream === 'ext://sys.stdout' ? [] : ORDER,
          }),
        );
      }
    }
  } catch (err) {
    for (const f of files) f.close();
    throw err;
  }
  if (transports.length === 0) transports.push(new winston.transports.Console({ level: 'info', stderrLevels: ORDER }));
  rootLevel = newRootLevel;
  loggerLevels = newLoggerLevels;
  root.clear();
  for (const f of logFiles) f.close();
  logFiles = files;
  for (const t of transports) root.add(t);
}

/** Lets tests capture log lines. */
export function addLogTransport(t: winston.transport): () => void {
  root.add(t);
  return () => root.remove(t);
}

/**
 * Waits, at most `timeoutMs`, until every line logged so far has been handed to its transport, then closes the log
 * files. File lines are written synchronously, so this only drains winston's pipes; it never waits on the disk.
 */
export async function flushLogs(timeoutMs = LOG_FLUSH_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pending = () => root.writableLength > 0 || root.readableLength > 0 || root.transports.some((t) => t.writableLength > 0);
  while (pending() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  for (const f of logFiles) f.close();
}
