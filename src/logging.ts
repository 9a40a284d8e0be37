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
import { getLogFormat, jsonLine, redactor } from './logLine.js';

export { getLogFormat, jsonLine, LOG_FORMATS, plainLine, redactor, secretForms, setLogFormat, type LogFormat } from './logLine.js';

export type { Logger } from 'winston';

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

const lineFormat = winston.format.printf((info) =>
  getLogFormat() === 'json'
    ? jsonLine(info)
    : `${info.timestamp} ${info.level.toUpperCase()} ${info.label ? `${info.label}: ` : ''}${info.message}`,
);

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
