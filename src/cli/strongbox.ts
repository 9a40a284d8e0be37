/**
 * strongbox: stores, deletes and lists the secrets the connector reads (vault_keys).
 *   strongbox --connector=NAME --key=KEY --value      prompt without echo (or read a piped stdin)
 *   strongbox --connector=NAME --key=KEY --delete
 *   strongbox --connector=NAME --list                  key names only, never values
 *   strongbox --backend=file ...                       the encrypted secrets file instead of the OS keyring
 * The value is never taken from the command line: argv ends up in shell history and `ps` output.
 * Exit codes: 0 ok, 2 usage or configuration problem, 1 the backend failed.
 */
import fs from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { builtFile } from '../builtFiles.js';
import { FileStore } from '../secrets/file/fileStore.js';
import { fileStore } from '../secrets/backends.js';
import { KeyringStore } from '../secrets/keyring/keyringStore.js';
import { PromptCancelled, promptHidden, readAllInput, stdinIsTty } from '../secrets/prompt.js';
import { SecretStoreError, type WritableSecretStore } from '../secrets/writable.js';

class UsageError extends Error {}

interface Options {
  connector?: string;
  key?: string;
  value?: string | boolean;
  delete?: boolean;
  list?: boolean;
  backend: string;
  secretsFile?: string;
}

function version(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(builtFile('../../package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function buildProgram(): Command {
  return new Command('strongbox')
    .description('Store the secrets the connector reads (vault_keys) in the OS keyring or an encrypted file.')
    .version(version(), '--version', 'Show the version.')
    .option('--connector <name>', 'Connector section name or vault_alias the secret is saved under.')
    .option('--key <key>', 'Secret key name (the setting name, e.g. password or api_token).')
    .option('--value [ignored]', 'Store a value for --key; it is prompted for (or read from a piped stdin), never taken from here.')
    .option('--delete', 'Delete the secret --key.')
    .option('--list', 'List the key names stored under --connector (never values).')
    .addOption(new Option('--backend <name>', 'Where to store: keyring or file.').default('keyring'))
    .option('--secrets-file <path>', 'Encrypted file for --backend=file (default $CONNECTOR_SECRETS_FILE or ~/.config/connector/secrets.enc).')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
}

function openStore(opts: Options): WritableSecretStore {
  const backend = opts.backend.trim().toLowerCase();
  if (backend === 'keyring') return new KeyringStore();
  if (backend === 'file') return fileStore(opts.secretsFile ? { secrets_file: opts.secretsFile } : {});
  if (backend === 'vault' || backend === 'cyberark') {
    throw new UsageError(
      `the ${backend} backend is read-only from the connector's side: store secrets with the ${backend === 'vault' ? 'vault kv put' : 'conjur variable set'} command; ` +
        `strongbox only stores its vault_url and vault_token (in the keyring: --backend=keyring)`,
    );
  }
  throw new UsageError(`unknown --backend "${opts.backend}": use keyring or file`);
}

async function readValue(): Promise<string> {
  if (stdinIsTty()) {
    const first = await promptHidden('Your secret: ');
    return first;
  }
  return readAllInput();
}

async function run(opts: Options): Promise<void> {
  const actions = [opts.value !== undefined, !!opts.delete, !!opts.list].filter(Boolean).length;
  if (actions !== 1) throw new UsageError('give exactly one of --value, --delete or --list');
  if (!opts.connector?.trim()) throw new UsageError('--connector is required (the section name or its vault_alias)');
  if (typeof opts.value === 'string' && opts.value !== '') {
    throw new UsageError('do not put the secret on the command line (it ends up in shell history): give --value alone and type it at the prompt, or pipe it to stdin');
  }
  if ((opts.value !== undefined || opts.delete) && !opts.key?.trim()) throw new UsageError('--key is required');
  const alias = opts.connector.trim();
  const store = openStore(opts);
  const where = store instanceof FileStore ? `the secrets file ${store.file}` : 'the OS keyring';

  if (opts.list) {
    const keys = await store.listKeys(alias);
    if (keys.length === 0) process.stderr.write(`No secrets stored for "${alias}" in ${where}.\n`);
    for (const k of keys) process.stdout.write(`${k}\n`);
    return;
  }
  const key = opts.key!.trim();
  if (opts.delete) {
    const deleted = await store.delete(alias, key);
    if (!deleted) throw new UsageError(`no secret "${key}" for "${alias}" in ${where}`);
    process.stdout.write(`Secret key '${key}' for '${alias}' has been deleted from ${where}.\n`);
    return;
  }
  const value = await readValue();
  if (value === '') throw new UsageError('empty value: nothing stored');
  await store.set(alias, key, value);
  process.stdout.write(`Secret key '${key}' for '${alias}' has been saved in ${where}.\n`);
}

export async function main(argv: string[] = process.argv): Promise<number> {
  const program = buildProgram();
  try {
    program.parse(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0 ? 0 : 2;
    }
    throw err;
  }
  try {
    await run(program.opts<Options>());
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`strongbox: ${err.message}\n`);
      return 2;
    }
    if (err instanceof PromptCancelled) {
      process.stderr.write('strongbox: cancelled, nothing stored\n');
      return 2;
    }
    if (err instanceof SecretStoreError) {
      process.stderr.write(`strongbox: ${err.message}\n`);
      return err.kind === 'config' && !(err.message.includes('keyring is not reachable')) ? 2 : 1;
    }
    process.stderr.write(`strongbox: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}

// Run when executed (bin/strongbox imports this module), not when imported by tests.
const invokedDirectly = process.argv[1] && /strongbox(\.js)?$/.test(process.argv[1]);
if (invokedDirectly) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`strongbox: ${String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
