/** Flags shared by upload, test and serve, with the original's names and meanings. */
import { Command, InvalidArgumentError, Option } from 'commander';
import { LOG_FORMATS, type LogFormat } from '../logLine.js';

export interface CommonOptions {
  ini: string;
  loggingConfig: string;
  /** True when --logging-config was given (then a missing file is an error). */
  loggingConfigExplicit: boolean;
  recordCount?: number;
  workers: number;
  showMappings: boolean;
  testmode: boolean;
  saveData: boolean;
  /** --report FILE (upload): the run's outcome as JSON. */
  report?: string;
  /** --log-format: text (default) or json lines. */
  logFormat?: LogFormat;
  /** --progress-interval (seconds): how often a progress line is logged when stderr is not a terminal; 0 never. */
  progressInterval?: number;
}

/** `--log-format text|json`, shared with `replay`. */
export function logFormatOption(): Option {
  return new Option('--log-format <format>', 'log lines as text, or as one JSON object per line (for log shippers)').choices(LOG_FORMATS).default('text');
}

/** `--progress-interval <seconds>`: the period of the plain progress line when stderr is not a terminal. */
export function progressIntervalOption(): Option {
  return new Option('--progress-interval <seconds>', 'when stderr is not a terminal, log a progress line per running section this often (0: never)')
    .argParser((raw) => {
      const n = /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(n) || n > 86_400) throw new InvalidArgumentError('must be a whole number of seconds from 0 to 86400');
      return n;
    })
    .default(30);
}

function positiveInt(raw: string): number {
  const n = /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number above 0');
  return n;
}

/**
 * Upper bound of --workers. Each worker is one request in flight to Oomnitza and one batch held in memory; far more
 * than the HTTP pool's connections would only queue inside it, where read-ahead is no longer held back.
 */
export const MAX_WORKERS = 64;

function workerCount(raw: string): number {
  const n = positiveInt(raw);
  if (n > MAX_WORKERS) throw new InvalidArgumentError(`must be between 1 and ${MAX_WORKERS}`);
  return n;
}

export function addCommonOptions(cmd: Command): Command {
  return cmd
    .option('--ini <file>', 'config file to use', './config.ini')
    .option('--logging-config <file>', 'logging config file to use', './logging.json')
    .addOption(new Option('--record-count <n>', 'stop after this many records per section').argParser(positiveInt))
    .addOption(new Option('--workers <n>', `concurrent push requests to Oomnitza (1-${MAX_WORKERS})`).argParser(workerCount).default(2))
    .option('--show-mappings', 'print the field mappings in effect for each section', false)
    .option('--testmode', 'print the records that would be sent; send nothing', false)
    .option('--save-data', 'save source records and payloads as JSON under ./save_data/', false)
    .addOption(logFormatOption())
    .addOption(progressIntervalOption());
}

export function readCommonOptions(cmd: Command): CommonOptions {
  const o = cmd.optsWithGlobals<Record<string, unknown>>();
  // The options are declared on the program and on each command (so `--help` lists them); commander lets the
  // program take them wherever they appear, so a value typed by the user may sit on either.
  const fromCli = (name: string) => [cmd, cmd.parent].some((c) => c?.getOptionValueSource(name) === 'cli');
  return {
    ini: String(o.ini),
    loggingConfig: String(o.loggingConfig),
    loggingConfigExplicit: fromCli('loggingConfig'),
    recordCount: o.recordCount as number | undefined,
    workers: (o.workers as number) ?? 2,
    showMappings: Boolean(o.showMappings),
    testmode: Boolean(o.testmode),
    saveData: Boolean(o.saveData),
    report: typeof o.report === 'string' ? o.report : undefined,
    logFormat: o.logFormat === 'json' ? 'json' : 'text',
    progressInterval: typeof o.progressInterval === 'number' ? o.progressInterval : 30,
  };
}
