/** Flags shared by upload, test and serve, with the original's names and meanings. */
import { Command, InvalidArgumentError, Option } from 'commander';

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
    .option('--save-data', 'save source records and payloads as JSON under ./save_data/', false);
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
  };
}
