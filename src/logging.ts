/**
 * Logging: winston, configured from logging.json. The file uses the shape of the original's Python
 * dictConfig (handlers with a level, filename, maxBytes, backupCount; root level; per-logger levels), so
 * an admin's existing logging.json keeps working. Every line passes through the redactor: values that
 * came from secrets or password/token/secret settings never reach a console or a file.
 */
import fs from 'node:fs';
import path from 'node:path';
import winston from 'winston';
import { ConfigError } from './errors.js';

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
  level?: string;
  filename?: string;
  maxBytes?: number;
  backupCount?: number;
  stream?: string;
}
interface LoggingConfig {
  handlers?: Record<string, HandlerConfig>;
  root?: { level?: string; handlers?: string[] };
  loggers?: Record<string, { level?: string }>;
}

const LEVELS: Record<string, string> = {
  critical: 'error',
  error: 'error',
  warning: 'warn',
  warn: 'warn',
  info: 'info',
  debug: 'debug',
  notset: 'debug',
};
const ORDER = ['error', 'warn', 'info', 'debug'];

function level(name: string | undefined, fallback = 'info'): string {
  return LEVELS[(name ?? fallback).toLowerCase()] ?? fallback;
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

const lineFormat = winston.format.printf(
  (info) => `${info.timestamp} ${info.level.toUpperCase()} ${info.label ? `${info.label}: ` : ''}${info.message}`,
);

const root = winston.createLogger({
  level: 'debug',
  format: winston.format.combine(applyLoggerLevel(), redactFormat(), winston.format.timestamp(), lineFormat),
  transports: [new winston.transports.Console({ level: 'info', stderrLevels: ORDER })],
});

export function getLogger(name: string): winston.Logger {
  return root.child({ label: name });
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
  rootLevel = level(config.root?.level);
  loggerLevels = Object.fromEntries(Object.entries(config.loggers ?? {}).map(([k, v]) => [k, level(v.level)]));
  const names = config.root?.handlers ?? Object.keys(config.handlers ?? {});
  const transports: winston.transport[] = [];
  for (const name of names) {
    const h = config.handlers?.[name];
    if (!h) continue;
    if (h.filename) {
      const filename = path.resolve(path.dirname(resolved), h.filename);
      transports.push(
        new winston.transports.File({
          filename,
          level: level(h.level),
          maxsize: h.maxBytes ?? 10 * 1024 * 1024,
          maxFiles: (h.backupCount ?? 5) + 1,
          tailable: true,
        }),
      );
    } else {
      transports.push(
        new winston.transports.Console({
          level: level(h.level),
          // Logs go to stderr unless the config asks for stdout, so `--testmode > payloads.json` stays clean.
          stderrLevels: h.stream === 'ext://sys.stdout' ? [] : ORDER,
        }),
      );
    }
  }
  if (transports.length === 0) transports.push(new winston.transports.Console({ level: 'info', stderrLevels: ORDER }));
  root.clear();
  for (const t of transports) root.add(t);
}

/** Lets tests capture log lines. */
export function addLogTransport(t: winston.transport): () => void {
  root.add(t);
  return () => root.remove(t);
}

export async function flushLogs(): Promise<void> {
  await Promise.all(
    root.transports.map(
      (t) => new Promise<void>((resolve) => (t instanceof winston.transports.File ? t.once('finish', () => resolve()) && t.end() : resolve())),
    ),
  );
}
