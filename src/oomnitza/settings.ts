/** The `[oomnitza]` section: where records go and how to authenticate (reference/oomnitza-api.md). */
import { commonSettings, secretBackendSettings } from '../config/commonSettings.js';
import { setting, type SettingsOf } from '../config/settings.js';

export const oomnitzaSettings = {
  url: setting.url({ required: true, description: 'URL of your Oomnitza instance.', example: 'https://example.oomnitza.com' }),
  api_token: setting.secret({ description: 'API token of the Oomnitza service account. If set, username and password are not used.' }),
  username: setting.string({ description: 'Oomnitza service account name (used when api_token is empty).', example: 'oomnitza-sa' }),
  password: setting.secret({ description: 'Password of the service account (used when api_token is empty).' }),
  user_pem_file: setting.path({ mustExist: 'file', description: 'PEM file with a client certificate and its key, for instances with two-factor authentication.' }),
  verify_ssl: commonSettings.verify_ssl,
  cacert_file: commonSettings.cacert_file,
  ssl_protocol: commonSettings.ssl_protocol,
  // An Oomnitza that accepts connections and never answers must not hold a nightly run for hours: each request
  // is bounded (timeout, retries), the run stops sending after a few pushes in a row got no answer, and a stop
  // signal gives the pushes in flight a bounded time.
  timeout: setting.int({
    default: 60, min: 1, max: 3600,
    description: 'Seconds one request to Oomnitza may take (connect, send, answer) before it counts as timed out and is tried again.',
  }),
  connect_timeout: setting.int({
    default: 10, min: 1, max: 600,
    description: 'Seconds to wait for a connection to Oomnitza to open (within timeout).',
  }),
  retries: setting.int({
    default: 5, min: 0, max: 20,
    description: 'Times a request that timed out, could not connect or got HTTP 5xx is tried again, with backoff.',
  }),
  stop_after_timeouts: setting.int({
    default: 3, min: 1, max: 1000,
    description: 'Circuit breaker of the pushes: after this many batches in a row got no answer from Oomnitza (timed out or could not connect, after their retries), ' +
      'the section stops sending (the batches meanwhile go to the spool) until a probe after breaker_cooldown gets an answer.',
  }),
  breaker_cooldown: setting.int({
    default: 60, min: 1, max: 86_400,
    description: 'Seconds the Oomnitza push breaker stays open before the next batch is sent as a probe (half-open); an answer resumes sending, no answer opens it again.',
  }),
  stop_grace: setting.int({
    default: 10, min: 0, max: 300,
    description: 'Seconds the batches in flight (and the finalize) may still take after SIGTERM or Ctrl-C; then they are aborted and reported as not delivered.',
  }),
  // Undelivered records are kept rather than only reported: `connector replay` sends them later.
  spool_dir: setting.string({
    description: 'Folder for the dead-letter spool (batches Oomnitza did not accept, for `connector replay`) and the per-section lock files. Relative to this file; empty means "spool" next to it.',
    example: 'spool',
  }),
  // State kept between runs: watermarks of incremental sections, and which records each retire_missing section pushed.
  state_dir: setting.string({
    description: 'Folder for the state kept between runs (the watermarks of sections with sync_mode = incremental, and the records each section with retire_missing pushed and when each was last seen). Relative to this file; empty means "state" next to it.',
    example: 'state',
  }),
  vault_backend: commonSettings.vault_backend,
  vault_keys: commonSettings.vault_keys,
  vault_alias: commonSettings.vault_alias,
  ...secretBackendSettings(),
};

export type OomnitzaSettings = SettingsOf<typeof oomnitzaSettings>;
