/** A place secrets are read from. Read-only from the connector's side. */
export interface SecretStore {
  readonly name: string;
  /** The secret stored under `alias` / `key`, or undefined when there is none. */
  get(alias: string, key: string): Promise<string | undefined>;
  close?(): Promise<void>;
}

/** What the config loader asks for one section. */
export interface SecretRequest {
  /** Section name as in the INI (`zendesk.abc`). */
  section: string;
  /** vault_alias, or the section name. */
  alias: string;
  /** vault_backend. */
  backend: string;
  /** vault_keys, split on whitespace. */
  keys: string[];
  /** The section's raw INI values (backend options such as vault_kv_version live here). */
  settings: Record<string, string>;
  configFile: string;
  /** Line of the vault_keys setting, for error messages. */
  line?: number;
}
