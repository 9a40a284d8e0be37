/**
 * Logging, configured from logging.json. The file uses the shape of the original's Python dictConfig (handlers with a
 * level, filename, maxBytes, backupCount; root level; per-logger levels), so an admin's existing logging.json keeps
 * working. Every line passes through the redactor: values that came from secrets or password/token/secret settings
 * never reach a console or a file.
 *
 * Written here rather than with winston: winston and its ~100 modules took ~50 ms of every logging command's
 * start-up (issue 19, bench/README.md), and the connector uses none of what it adds (formats, async transports).
 * Every line is written when the call returns: the console and the log files are written synchronously.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, type ConfigLocation } from './errors.js';
import { RotatingLogFile } from './logFile.js';
import { describeFsError, makeDirectories } from './makeDirectories.js';
import { getLogFormat, jsonLine, redactor } from './logLine.js';

export { getLogFormat, jsonLine, LOG_FORMATS, plainLine, redactor, secretForms, setLogFormat, type LogFormat } from './logLine.js';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** A named logger (`getLogger("sources/ldap")`): a message and, optionally, structured fields (JSON lines show them). */
export interface Logger {
  error(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
}

/** One line as the transports get it: redacted message and string fields, the logger's name, an ISO time. */
export interface LogInfo {
  level: LogLevel;
  message: string;
  label?: string;
  timestamp: string;
  [field: string]: unknown;
}

/** Where lines go: the console, a log file, a test's capture. Lines above `level` (default debug) are not written to it. */
export interface LogTransport {
  level?: LogLevel;
  /** `line` is the formatted line without its newline, in the current --log-format. */
  write(line: string, info: LogInfo): void;
}

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

const LEVELS: Record<string, LogLevel> = {
  critical: 'error',
  fatal: 'error',
  error: 'error',
  warning: 'warn',
  warn: 'warn',
  info: 'info',
  debug: 'debug',
  notset: 'debug',
};
const ORDER: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];
/** How long the exit path waits for log transports to finish; a wedged transport must not hold the exit code. */
export const LOG_FLUSH_TIMEOUT_MS = 2000;

/** Python level names, or its numbers (10 DEBUG ... 50 CRITICAL), as dictConfig accepts them. */
function parseLevel(value: string | number | undefined, where: ConfigLocation): LogLevel {
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

let loggerLevels: Record<string, LogLevel> = {};
let rootLevel: LogLevel = 'info';

/** The level a logger writes at: the most specific configured prefix wins ("sources" covers "sources/ldap"). */
function limitFor(name: string): LogLevel {
  const match = Object.keys(loggerLevels)
    .filter((k) => name === k || name.startsWith(`${k}/`))
    .sort((a, b) => b.length - a.length)[0];
  return match ? loggerLevels[match] : rootLevel;
}

/** Console lines: to stderr, or to stdout when logging.json asks for it (`--testmode > payloads.json` stays clean on stderr). */
function consoleTransport(level: LogLevel, stream: 'stderr' | 'stdout' = 'stderr'): LogTransport {
  return { level, write: (line) => void process[stream].write(`${line}\n`) };
}

function fileTransport(file: RotatingLogFile, level: LogLevel): LogTransport {
  return { level, write: (line) => file.writeLine(`${line}\n`) };
}

/** What logging.json configured. */
let configured: LogTransport[] = [consoleTransport('info')];
/** Added by addLogTransport (tests): kept when logging is configured again. */
const added = new Set<LogTransport>();

function formatLine(info: LogInfo): string {
  return getLogFormat() === 'json'
    ? jsonLine(info)
    : `${info.timestamp} ${info.level.toUpperCase()} ${info.label ? `${info.label}: ` : ''}${info.message}`;
}

function write(label: string, level: LogLevel, message: unknown, fields?: Record<string, unknown>): void {
  const rank = ORDER.indexOf(level);
  if (rank > ORDER.indexOf(limitFor(label))) return;
  const info: LogInfo = { ...fields, level, message: redactor.redact(String(message)), label, timestamp: new Date().toISOString() };
  for (const key of Object.keys(info)) {
    if (key !== 'message' && key !== 'level' && typeof info[key] === 'string') info[key] = redactor.redact(info[key] as string);
  }
  let line: string | undefined;
  const send = (t: LogTransport) => {
    if (rank <= ORDER.indexOf(t.level ?? 'debug')) t.write((line ??= formatLine(info)), info);
  };
  configured.forEach(send);
  added.forEach(send);
}

class NamedLogger implements Logger {
  constructor(private readonly name: string) {}
  error(message: string, fields?: Record<string, unknown>): void {
    write(this.name, 'error', message, fields);
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    write(this.name, 'warn', message, fields);
  }
  info(message: string, fields?: Record<string, unknown>): void {
    write(this.name, 'info', message, fields);
  }
  debug(message: string, fields?: Record<string, unknown>): void {
    write(this.name, 'debug', message, fields);
  }
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void {
    write(this.name, level, message, fields);
  }
}

/** The log files currently open, closed when logging is configured again and at exit. */
let logFiles: RotatingLogFile[] = [];

export function getLogger(name: string): Logger {
  return new NamedLogger(name);
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
  const handlers: LogTransport[] = [];
  const files: RotatingLogFile[] = [];
  try {
    for (const name of names) {
      const h = Object.hasOwn(config.handlers ?? {}, name) ? config.handlers![name] : undefined;
      if (!h) throw new ConfigError({ file, key: 'root.handlers' }, `handler "${name}" is not defined under "handlers"`);
      const handlerLevel = parseLevel(h.level, { file, key: `handlers.${name}.level` });
      if (h.filename !== undefined) {
        const logFile = openLogFile(name, h, file, path.dirname(resolved));
        files.push(logFile);
        handlers.push(fileTransport(logFile, handlerLevel));
      } else {
        handlers.push(consoleTransport(handlerLevel, h.stream === 'ext://sys.stdout' ? 'stdout' : 'stderr'));
      }
    }
  } catch (err) {
    for (const f of files) f.close();
    throw err;
  }
  if (handlers.length === 0) handlers.push(consoleTransport('info'));
  rootLevel = newRootLevel;
  loggerLevels = newLoggerLevels;
  for (const f of logFiles) f.close();
  logFiles = files;
  configured = handlers;
}

/** Lets tests capture log lines. */
export function addLogTransport(t: LogTransport): () => void {
  added.add(t);
  return () => void added.delete(t);
}


/**
 * Waits, at most `timeoutMs`, until the console has taken every line logged so far (a pipe or terminal that is not
 * written synchronously), then closes the log files. File lines are written synchronously: this never waits on the disk.
 */
export async function flushLogs(timeoutMs = LOG_FLUSH_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pending = () => process.stderr.writableLength > 0 || process.stdout.writableLength > 0;
  while (pending() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  for (const f of logFiles) f.close();
}
