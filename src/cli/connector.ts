/**
 * `connector`: entry point. Exit codes (README): 0 every record pushed; 1 the run finished but some records
 * or sections failed; 2 configuration or usage error (nothing was pulled or pushed); 70 an internal bug.
 */
// First: it tunes the heap before the rest of the program allocates.
import './heapTuning.js';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ConnectorError, isConfigError } from '../errors.js';
import { plainLine, redactor, setLogFormat, type LogFormat } from '../logLine.js';
import { VERSION } from '../version.js';
import { addCommonOptions, logFormatOption, readCommonOptions, type CommonOptions } from './options.js';
import { addRenderCommand } from './render.js';

// Each command loads what it runs when it runs: `connector version` and `--help` need none of it, and an upload
// never loads the server or the template engine (bench/startup.ts measures this).

const EXIT_CONFIG = 2;
const EXIT_BUG = 70;

/** The logger, loaded by the commands that log (not by `version`, `--help` or a usage error). */
let logging: typeof import('../logging.js') | undefined;
async function loadLogging(): Promise<typeof import('../logging.js')> {
  return (logging ??= await import('../logging.js'));
}

/**
 * Ctrl-C / SIGTERM: the first stops the run (`what` says how); the second exits at once. The signal's reason names
 * the signal, so that what is not sent is reported as "stopped early: SIGTERM".
 */
function stopSignal(what = 'finishing batches in flight, then stopping'): AbortSignal {
  const controller = new AbortController();
  const onSignal = (name: string) => {
    if (controller.signal.aborted) process.exit(130);
    // Every command that stops on a signal configured logging first (prepare), so the logger is loaded by now.
    logging?.getLogger('connector').warn(`${name} received: ${what} (press again to quit now)`);
    controller.abort(new ConnectorError(name));
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  return controller.signal;
}

/** A time in seconds for a serve flag: positive, fractions allowed (0.5), at most a day. */
function positiveSeconds(raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > 86_400) throw new InvalidArgumentError('must be a number of seconds above 0 (at most 86400)');
  return n;
}

function portNumber(raw: string): number {
  const n = /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
}

function wholeNumber(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 100) throw new InvalidArgumentError('must be a whole number from 0 to 100');
  return n;
}

function positiveWhole(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) throw new InvalidArgumentError('must be a whole number from 1 to 1000000');
  return n;
}

/**
 * An option the user typed, on the command or before it: the program declares --ini and --logging-config too and
 * commander gives a value to whichever sees it first (`connector --ini x replay` and `connector replay --ini x`).
 */
function givenOption(cmd: Command, name: string): string | undefined {
  return [cmd, cmd.parent].find((c) => c?.getOptionValueSource(name) === 'cli')?.opts<Record<string, string>>()[name];
}

/** Sets up logging from the common options; a bad logging.json rejects with a config error (exit 2). */
async function prepare(opts: CommonOptions): Promise<void> {
  setLogFormat(opts.logFormat ?? 'text');
  (await loadLogging()).configureLogging(opts.loggingConfig, opts.loggingConfigExplicit);
}

export function buildProgram(run: (code: Promise<number>) => void): Command {
  const program = addCommonOptions(new Command('connector'))
    .description('Keeps Oomnitza in sync with the systems that know about devices and people.')
    .version(VERSION, '--version', 'print the version')
    .showHelpAfterError()
    .exitOverride();

  addCommonOptions(program.command('upload'))
    .description('pull records from the named sections and push them to Oomnitza')
    .argument('<sections...>', 'INI section names, e.g. ldap csv_assets casper.MDM')
    .option('--report <file>', 'write the outcome of the run as JSON (counts, error classes, spooled records, exit code) for schedulers')
    .action((sections: string[], _o, cmd: Command) => {
      const opts = readCommonOptions(cmd);
      const signal = stopSignal('finishing batches in flight within [oomnitza] stop_grace, sending no further batch, then stopping');
      run(import('./prestartSandbox.js').then(({ prestartSandbox }) => prestartSandbox(opts.ini))
        .then(() => prepare(opts)).then(() => import('./upload.js')).then(({ upload }) => upload(sections, opts, signal)));
    });

  addCommonOptions(program.command('test'))
    .description('check that each named section can reach its source and Oomnitza, reading one record')
    .argument('<sections...>', 'INI section names')
    .action((sections: string[], _o, cmd: Command) => {
      const opts = readCommonOptions(cmd);
      const signal = stopSignal();
      run(prepare(opts).then(() => import('./check.js')).then(({ check }) => check(sections, opts, signal)));
    });

  addCommonOptions(program.command('serve'))
    .description('receive Jamf Pro webhooks and sync the devices they name (the original server.py)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', '8000')
    .addOption(new Option('--drain-timeout <seconds>', 'longest a stop (SIGTERM, Ctrl-C) takes; what is not sent by then is counted and named').argParser(positiveSeconds).default(30))
    .addOption(new Option('--max-connections <n>', 'client connections held open at most (lowered to fit the open-files limit)').argParser(positiveWhole).default(256))
    .addOption(new Option('--headers-timeout <seconds>', "a client's request headers must arrive within this time").argParser(positiveSeconds).default(10))
    .addOption(new Option('--request-timeout <seconds>', "a client's whole request must arrive within this time").argParser(positiveSeconds).default(30))
    .addOption(new Option('--keep-alive-timeout <seconds>', 'an idle keep-alive connection is closed after this time').argParser(positiveSeconds).default(5))
    .addOption(new Option('--fetch-retries <n>', 'a device whose fetch from Jamf fails transiently is fetched again up to this many times').argParser(wholeNumber).default(3))
    .addOption(new Option('--fetch-retry-delay <seconds>', 'before the first fetch retry; doubled before each next one').argParser(positiveSeconds).default(10))
    .addOption(new Option('--metrics-port <port>', 'serve Prometheus metrics at http://<metrics-host>:<port>/metrics (default: no metrics endpoint)').argParser(portNumber))
    .option('--metrics-host <host>', 'address of the metrics endpoint', '127.0.0.1')
    .action((_o, cmd: Command) => {
      const opts = readCommonOptions(cmd);
      const o = cmd.opts<{
        host: string; port: string; drainTimeout: number; maxConnections: number; headersTimeout: number; requestTimeout: number;
        keepAliveTimeout: number; fetchRetries: number; fetchRetryDelay: number; metricsPort?: number; metricsHost: string;
      }>();
      const tuning = {
        drainTimeoutMs: o.drainTimeout * 1000,
        maxConnections: o.maxConnections,
        headersTimeoutMs: o.headersTimeout * 1000,
        requestTimeoutMs: o.requestTimeout * 1000,
        keepAliveTimeoutMs: o.keepAliveTimeout * 1000,
        fetchAttempts: o.fetchRetries + 1,
        fetchRetryDelayMs: o.fetchRetryDelay * 1000,
      };
      // Loaded on demand: upload runs from cron never need the server code.
      run(prepare(opts).then(() => import('../server/serve.js')).then(({ serve }) => serve({ ...opts, host: o.host, port: Number(o.port), tuning, metricsPort: o.metricsPort, metricsHost: o.metricsHost }, stopSignal())));
    });

  program
    .command('replay')
    .description('send the records of the dead-letter spool ([oomnitza] spool_dir) to Oomnitza again; --list shows them')
    .argument('[sections...]', 'INI section names (default: every section with spooled records)')
    .option('--ini <file>', 'config file to use', './config.ini')
    .option('--logging-config <file>', 'logging config file to use', './logging.json')
    .option('--list', 'list what is spooled and why; send nothing', false)
    .addOption(logFormatOption())
    .action((sections: string[], _o, cmd: Command) => {
      const o = { ...cmd.opts<{ ini: string; loggingConfig: string; list: boolean; logFormat: LogFormat }>() };
      o.ini = givenOption(cmd, 'ini') ?? o.ini;
      o.loggingConfig = givenOption(cmd, 'loggingConfig') ?? o.loggingConfig;
      setLogFormat(o.logFormat);
      const signal = stopSignal('stopping after the batch in flight');
      const configured = loadLogging().then((l) => l.configureLogging(o.loggingConfig, givenOption(cmd, 'loggingConfig') !== undefined));
      run(configured.then(() => import('./replay.js')).then(({ replay }) => replay(sections, { ini: o.ini, list: o.list, print: (t) => process.stdout.write(`${t}\n`) }, signal)));
    });

  program
    .command('retire')
    .description('apply a retirement that retire_max held back (the upload summary gives the count to confirm)')
    .argument('<section>', 'INI section name')
    .requiredOption('--confirm <n>', 'the number of held records, as the summary printed it', (raw) => {
      if (!/^\d+$/.test(raw.trim())) throw new InvalidArgumentError('must be a whole number');
      return Number(raw);
    })
    .option('--ini <file>', 'config file to use', './config.ini')
    .option('--logging-config <file>', 'logging config file to use', './logging.json')
    .action((section: string, _o, cmd: Command) => {
      const o = { ...cmd.opts<{ ini: string; loggingConfig: string; confirm: number }>() };
      o.ini = givenOption(cmd, 'ini') ?? o.ini;
      o.loggingConfig = givenOption(cmd, 'loggingConfig') ?? o.loggingConfig;
      const signal = stopSignal('stopping after the batch in flight');
      const configured = loadLogging().then((l) => l.configureLogging(o.loggingConfig, givenOption(cmd, 'loggingConfig') !== undefined));
      run(configured.then(() => import('./retire.js')).then(({ retire }) => retire(section, { ini: o.ini, confirm: o.confirm, print: (t) => process.stdout.write(`${t}\n`) }, signal)));
    });

  program
    .command('generate-ini')
    .description('write an example config with every source (an existing file is kept as <file>.bak)')
    .option('--ini <file>', 'file to write', './config.ini')
    .action((_o, cmd: Command) => {
      const file = String(cmd.optsWithGlobals().ini);
      run(import('../config/generateIni.js').then(({ writeExampleIni }) => writeExampleIni(file)).then(() => (process.stderr.write(`${file} has been generated.\n`), 0)));
    });

  addRenderCommand(program, run);

  program
    .command('version')
    .description('print the version')
    .action(() => {
      process.stdout.write(`${VERSION}\n`);
      run(Promise.resolve(0));
    });

  addCommonOptions(program.command('managed', { isDefault: true }))
    .description('cloud-managed mode (the default): run the integrations Oomnitza schedules, polling every 10 s')
    .option('--once', 'poll once, run what Oomnitza returned, then exit (0: every run delivered; 1: failures) - for cron', false)
    .option('--ignore-cloud-maintenance', 'keep polling while Oomnitza is in maintenance (429/5xx after retries) instead of exiting', false)
    .addOption(new Option('--metrics-port <port>', 'serve Prometheus metrics at http://<metrics-host>:<port>/metrics (default: no metrics endpoint)').argParser(portNumber))
    .option('--metrics-host <host>', 'address of the metrics endpoint', '127.0.0.1')
    .action((_o, cmd: Command) => {
      const opts = readCommonOptions(cmd);
      const o = cmd.opts<{ once: boolean; ignoreCloudMaintenance: boolean; metricsPort?: number; metricsHost: string }>();
      run(prepare(opts).then(() => import('./managed.js')).then(({ managed }) => managed(
        { ...opts, once: Boolean(o.once), ignoreCloudMaintenance: Boolean(o.ignoreCloudMaintenance), metricsPort: o.metricsPort, metricsHost: o.metricsHost },
        stopSignal('no further poll; runs in progress get [oomnitza] stop_grace to finish, then are interrupted'),
      )));
    });
  return program;
}

async function main(argv: string[]): Promise<number> {
  let pending: Promise<number> | undefined;
  const program = buildProgram((p) => (pending = p));
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_CONFIG;
    throw err;
  }
  return pending ? await pending : 0;
}

main(process.argv)
  .catch((err: unknown) => {
    if (isConfigError(err)) {
      process.stderr.write(`${plainLine('error', 'connector', `connector: configuration error: ${redactor.redact((err as Error).message)}`)}\n`);
      return EXIT_CONFIG;
    }
    if (err instanceof ConnectorError) {
      process.stderr.write(`${plainLine('error', 'connector', `connector: ${redactor.redact(err.message)}`)}\n`);
      return 1;
    }
    process.stderr.write(`${plainLine('error', 'connector', `connector: internal error (please report): ${redactor.redact(err instanceof Error ? (err.stack ?? err.message) : String(err))}`)}\n`);
    return EXIT_BUG;
  })
  .then(async (code) => {
    // The code is set before anything else can go wrong: a log that cannot be flushed must not turn it into 0.
    process.exitCode = code;
    // Lingering keep-alive sockets or workers must not keep a cron job alive.
    setTimeout(() => process.exit(code), 2000).unref();
    await logging?.flushLogs();
  });
