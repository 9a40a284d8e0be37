/**
 * Settings every source section accepts (the original's CommonSettings). The core handles them;
 * sources never see them except through the context (TLS options, an HTTP client).
 */
import { offboardingSettings } from './offboardingSettings.js';
import { setting } from './settings.js';

export const SECRET_BACKENDS = ['keyring', 'vault', 'cyberark', 'env', 'file'] as const;

/** The original's `ssl_protocol` values; each maps to a TLS version range in src/http/tls.ts. */
export const SSL_PROTOCOLS = ['', 'ssl', 'sslv23', 'sslv3', 'tls', 'tls1', 'tls1.1', 'tls1.2', 'tls1.3'] as const;

/**
 * Options of the secret backends (src/secrets/README.md). The backends read them from the raw section before
 * validation; they are declared here so that they are documented and not reported as unknown.
 */
export function secretBackendSettings() {
  const text = (description: string) => setting.string({ description });
  return {
    vault_kv_version: setting.choice(['', '1', '2'] as const, { default: '', description: 'HashiCorp Vault KV engine version: 1, 2, or empty to detect.' }),
    vault_mount: text('Vault mount of the KV engine (default secret).'),
    vault_path: text('Vault path of the secret under the mount (default: the vault_alias).'),
    vault_namespace: text('Vault Enterprise namespace.'),
    vault_verify_ssl: setting.bool({ default: true, description: 'Verify the Vault server certificate (default True).' }),
    vault_cacert_file: setting.path({ mustExist: 'file', description: 'PEM CA file for the Vault or Conjur server.' }),
    vault_credentials_backend: setting.choice(['keyring', 'env', 'file'] as const, {
      default: 'keyring',
      description: 'Where vault_url/vault_token are kept: keyring (default), env or file.',
    }),
    cyberark_account: text('CyberArk Conjur account (default: the vault_alias).'),
    cyberark_login: text('CyberArk Conjur login (default admin).'),
    secrets_file: setting.path({ mustExist: 'file', description: 'Encrypted secrets file used by vault_backend = file.' }),
  };
}

export const CONVERTER_ERROR_POLICIES = ['null', 'skip', 'fail'] as const;
export type ConverterErrorPolicy = (typeof CONVERTER_ERROR_POLICIES)[number];

/** What a failed converter does to its record, and how much custom converters may return (src/sandbox/README.md). */
function converterOutcomeSettings() {
  return {
    on_converter_error: setting.choice(CONVERTER_ERROR_POLICIES, {
      default: 'null',
      description: 'When a converter fails: null sends the field as null (as the original; counted in the summary), ' +
        'skip does not send the record (listed as skipped), fail fails the record (the run exits 1).',
    }),
    max_converter_output: setting.int({
      default: 1024 * 1024,
      min: 1024,
      max: 64 * 1024 * 1024,
      description: 'Most JSON (characters; bytes for ASCII) the custom converters of one record may return in all; more fails the converter.',
    }),
    max_converter_chunk_output: setting.int({
      default: 16 * 1024 * 1024,
      min: 64 * 1024,
      max: 256 * 1024 * 1024,
      description: 'Most JSON (characters) custom converters may return for one chunk of 1,000 records; later results fail.',
    }),
  };
}

export const SYNC_MODES = ['full', 'incremental'] as const;

/** Incremental reads (README "Incremental reads"): accepted on every section, refused where the source cannot do it. */
function incrementalSettings() {
  return {
    sync_mode: setting.choice(SYNC_MODES, {
      default: 'full',
      description: 'full reads every record (as the original); incremental reads only what changed since the last complete run, ' +
        'on sources whose API can filter by modification time (README "Incremental reads").',
    }),
    full_sweep_every: setting.string({
      default: '7',
      check: (v) => void parseFullSweep(v),
      description: 'With sync_mode = incremental: one run in this many reads everything (so deletions are seen); 1: every run, 0: never. ' +
        'With a "d" (7d): a run reads everything when the last full read is at least that many days old.',
    }),
  };
}

/** Node.js and OpenSSL 3 have no SSLv3 (src/http/tls.ts): say so when the config loads, not when connecting. */
function supportedProtocol(value: string): void {
  if (value === 'sslv3') {
    throw new Error('sslv3 is not supported: Node.js and OpenSSL 3 no longer implement SSLv2/SSLv3. Use ssl (negotiate) or tls1.2');
  }
}

export const commonSettings = {
  enable: setting.bool({ default: false, description: 'Set to True to run this section with `connector upload`.' }),
  sync_field: setting.list({
    description: 'Oomnitza field(s) that identify a record, comma-separated (e.g. USER,EMAIL).',
  }),
  insert_only: setting.bool({ description: 'Only create records in Oomnitza; never update existing ones.' }),
  update_only: setting.bool({ description: 'Only update existing records in Oomnitza; never create new ones.' }),
  verify_ssl: setting.bool({ default: true, description: 'Verify the TLS certificate of the source. False accepts self-signed certificates.' }),
  cacert_file: setting.path({ mustExist: 'file', description: 'PEM file with the CA certificate(s) that signed the source\'s certificate.' }),
  cacert_dir: setting.path({ mustExist: 'dir', description: 'Folder of PEM CA certificates (*.pem, *.crt) trusted in addition to cacert_file.' }),
  ssl_protocol: setting.choice(SSL_PROTOCOLS, {
    default: '',
    check: supportedProtocol,
    description: 'Force a TLS protocol version: ssl, sslv23 (negotiate), tls, tls1, tls1.1, tls1.2, tls1.3.',
  }),
  use_server_map: setting.bool({ default: true, description: 'Load the field mappings stored in Oomnitza for this source.' }),
  vault_backend: setting.choice(SECRET_BACKENDS, {
    default: 'keyring',
    description: 'Where the settings named in vault_keys are stored: keyring, vault, cyberark, env or file.',
  }),
  vault_keys: setting.string({ description: 'Space-separated names of settings whose values come from the secret backend.' }),
  vault_alias: setting.string({ description: 'Name the secrets are stored under (default: the section name).' }),
  ...secretBackendSettings(),
  min_records: setting.int({
    default: 0,
    min: 0,
    max: 1_000_000_000,
    description: 'Fail the section (exit 1) when a complete read returns fewer records than this; 0: no minimum (a read of 0 records is still a warning).',
  }),
  stop_after_failures: setting.int({
    default: 5,
    min: 0,
    max: 1000,
    description: 'Circuit breaker of the source: after this many requests in a row failed with no answer or a 5xx (after their retries), ' +
      'no further request is sent and the read ends with one message; 0 disables it.',
  }),
  breaker_cooldown: setting.int({
    default: 60,
    min: 1,
    max: 86_400,
    description: 'Seconds the source circuit breaker stays open before one probe request is let through (matters for serve).',
  }),
  batch_size: setting.int({ default: 100, min: 1, max: 10000, description: 'Records per bulk request to Oomnitza.' }),
  recordfilter: setting.string({ description: 'JavaScript function body; records for which it returns a falsy value are not sent.' }),
  ...converterOutcomeSettings(),
  test_run: setting.bool({ description: 'Run this section as if --testmode was given.' }),
  ...incrementalSettings(),
  // Records that disappear at the source (src/offboarding/README.md).
  ...offboardingSettings,
  // Accepted so that configs written for the original load without warnings; the original ignores them too.
  only_if_filled: setting.string({ description: 'Accepted for compatibility; has no effect (as in the original).' }),
  dont_overwrite: setting.string({ description: 'Accepted for compatibility; has no effect (as in the original).' }),
  user_pem_file: setting.string({ description: 'Accepted for compatibility on source sections; used by [oomnitza].' }),
  connector_bulk_mode: setting.string({ description: 'Accepted for compatibility; records are always sent in bulk.' }),
  is_custom: setting.string({ description: 'Accepted for compatibility; has no effect.' }),
};

/** Settings shown by generate-ini for every source (the rest are documented in README). */
export const COMMON_IN_SAMPLE = ['enable'] as const;

/** `full_sweep_every`: a number of runs (`7`), or of days since the last full read (`7d`, `7 days`). */
export type FullSweep = { runs: number } | { days: number };

export function parseFullSweep(raw: string): FullSweep {
  const m = /^\s*(\d{1,6})\s*(d|days?)?\s*$/i.exec(raw);
  if (!m) throw new Error(`"${raw}" is not a number of runs (7) or of days (7d)`);
  return m[2] ? { days: Number(m[1]) } : { runs: Number(m[1]) };
}
