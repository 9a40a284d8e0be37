/**
 * `connector`: entry point. Exit codes (README): 0 every record pushed; 1 the run finished but some records
 * or sections failed; 2 configuration or usage error (nothing was pulled or pushed); 70 an internal bug.
 */
// First: it tunes the heap before the rest of the program allocates.
import './heapTuning.js';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ConnectorError, isConfigError } from '../errors.js';
import { VERSION } from '../version.js';
import { addCommonOptions, readCommonOptions, type CommonOptions } from './options.js';
import { addRenderCommand } from './render.js';

// Each command loads what it runs when it runs: `connector version` and `--help` need none of it, and an upload
// never loads the server, the template engine or the sources' heavy clients (bench/startup.ts measures this).
let loggingLoaded = false;
const logging = () => ((loggingLoaded = true), import('../logging.js'));

const EXIT_CONFIG = 2;
const EXIT_BUG = 70;

/**
 * Ctrl-C / SIGTERM: the first stops the run (`what` says how); the second exits at once. The signal's reason names
 * the signal, so that what is not sent is reported as "stopped early: SIGTERM".
 */
function stopSignal(what = 'finishing batches in flight, then stopping'): AbortSignal {
  const controller = new AbortController();
  const onSignal = (name: string) => {
    if (controller.signal.aborted) process.exit(130);
    // Loaded by every command that installs this handler (prepare() ran first), so the warning is not delayed.
    void logging().then(({ getLogger }) => getLogger('connector').warn(`${name} received: ${what} (press again to quit now)`));
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

async function prepare(opts: CommonOptions): Promise<void> {
  const { configureLogging } = await logging();
  configureLogging(opts.loggingConfig, opts.loggingConfigExplicit);
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
      run(prepare(opts).then(() => import('./upload.js')).then(({ upload }) => upload(sections, opts, signal)));
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
    .action((_o, cmd: Command) => {
      const opts = readCommonOptions(cmd);
      const o = cmd.opts<{
        host: string; port: string; drainTimeout: number; maxConnections: number; headersTimeout: number; requestTimeout: number;
        keepAliveTimeout: number; fetchRetries: number; fetchRetryDelay: number;
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
      const signal = stopSignal();
      run(prepare(opts).then(() => import('../server/serve.js')).then(({ serve }) => serve({ ...opts, host: o.host, port: Number(o.port), tuning }, signal)));
    });

  program
    .command('replay')
    .description('send the records of the dead-letter spool ([oomnitza] spool_dir) to Oomnitza again; --list shows them')
    .argument('[sections...]', 'INI section names (default: every section with spooled records)')
    .option('--ini <file>', 'config file to use', './config.ini')
    .option('--logging-config <file>', 'logging config file to use', './logging.json')
    .option('--list', 'list what is spooled and why; send nothing', false)
    .action((sections: string[], _o, cmd: Command) => {
      const o = cmd.opts<{ ini: string; loggingConfig: string; list: boolean }>();
      const signal = stopSignal('stopping after the batch in flight');
      run(logging()
        .then(({ configureLogging }) => configureLogging(o.loggingConfig, cmd.getOptionValueSource('loggingConfig') === 'cli'))
        .then(() => import('./replay.js'))
        .then(({ replay }) => replay(sections, { ini: o.ini, list: o.list, print: (t) => process.stdout.write(`${t}\n`) }, signal)));
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

  program
    .command('managed', { isDefault: true })
    .description('cloud-managed mode (not available in this version)')
    .action(() => {
      process.stderr.write(
        'connector: "managed" mode (the default of the original connector) is not available in this version.\n' +
          'Run a sync with: connector upload <section...>   (see connector --help)\n',
      );
      run(Promise.resolve(EXIT_CONFIG));
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
  .catch(async (err: unknown) => {
    const { redactor } = await logging();
    if (isConfigError(err)) {
      process.stderr.write(`connector: configuration error: ${redactor.redact((err as Error).message)}\n`);
      return EXIT_CONFIG;
    }
    if (err instanceof ConnectorError) {
      process.stderr.write(`connector: ${redactor.redact(err.message)}\n`);
      return 1;
    }
    process.stderr.write(`connector: internal error (please report): ${redactor.redact(err instanceof Error ? (err.stack ?? err.message) : String(err))}\n`);
    return EXIT_BUG;
  })
  .then(async (code) => {
    // The code is set before anything else can go wrong: a log that cannot be flushed must not turn it into 0.
    process.exitCode = code;
    // Lingering keep-alive sockets or workers must not keep a cron job alive.
    setTimeout(() => process.exit(code), 2000).unref();
    if (loggingLoaded) await (await logging()).flushLogs();
  });
