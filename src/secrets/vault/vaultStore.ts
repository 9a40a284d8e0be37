/**
 * HashiCorp Vault, KV secrets engine version 1 or 2, read-only.
 * API: https://developer.hashicorp.com/vault/api-docs/secret/kv/kv-v2 (GET /v1/<mount>/data/<path> ->
 * {data:{data:{...},metadata}}) and kv-v1 (GET /v1/<mount>/<path> -> {data:{...}}). The engine version is
 * detected with GET /v1/sys/internal/ui/mounts/<path> (what the `vault kv` CLI does) unless configured.
 * All keys of one section live in one secret, as in the original (`vault write secret/zendesk a=.. b=..`),
 * so the secret is read once and cached.
 */
import { SecretHttp, origin, type TlsOptions } from '../http.js';
import type { SecretStore } from '../types.js';
import { SecretStoreError } from '../writable.js';

export interface VaultOptions {
  /** vault_url from the keyring: `https://vault:8200`, or the original's form `https://vault:8200/v1/secret/zendesk`. */
  url: string;
  token: string;
  /** vault_mount; default the first segment of the URL's path, else `secret`. */
  mount?: string;
  /** vault_path; default the rest of the URL's path, else the alias. */
  path?: string;
  /** vault_kv_version: 1, 2 or undefined to detect. */
  kvVersion?: 1 | 2;
  /** vault_namespace (Vault Enterprise / HCP). */
  namespace?: string;
  tls: TlsOptions;
  timeoutMs?: number;
}

interface Location {
  mount: string;
  path: string;
  version: 1 | 2;
}

export class VaultStore implements SecretStore {
  readonly name = 'vault';
  private readonly http: SecretHttp;
  private readonly base: string;
  private readonly urlPath: string | undefined;
  private readonly cache = new Map<string, Promise<Record<string, unknown> | undefined>>();

  constructor(private readonly opts: VaultOptions) {
    const parsed = parseVaultUrl(opts.url);
    this.base = parsed.base;
    this.urlPath = parsed.logicalPath;
    this.http = new SecretHttp('Vault', opts.tls, opts.timeoutMs);
  }

  async get(alias: string, key: string): Promise<string | undefined> {
    const logical = this.logicalPath(alias);
    let pending = this.cache.get(logical);
    if (!pending) {
      pending = this.readSecret(logical);
      this.cache.set(logical, pending);
    }
    const data = await pending;
    const value = data?.[key];
    if (value === undefined || value === null) return undefined;
    return typeof value === 'string' ? value : JSON.stringify(value);
  }

  /** How to store a missing key: Vault is read-only from here, so this is the Vault CLI's command. */
  missingHint(alias: string, key: string): string {
    return `Vault secret ${this.logicalPath(alias)} has no key "${key}"; add it with: vault kv patch ${this.logicalPath(alias)} ${key}=...  (vault kv put for a new secret)`;
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private logicalPath(alias: string): string {
    const fromUrl = this.urlPath?.split('/').filter(Boolean) ?? [];
    const mount = this.opts.mount ?? fromUrl[0] ?? 'secret';
    const path = this.opts.path ?? (fromUrl.length > 1 ? fromUrl.slice(1).join('/') : alias);
    return `${trimSlashes(mount)}/${trimSlashes(path)}`;
  }

  private async readSecret(logical: string): Promise<Record<string, unknown> | undefined> {
    const loc = await this.locate(logical);
    const apiPath = loc.version === 2 ? `${loc.mount}/data/${loc.path}` : `${loc.mount}/${loc.path}`;
    const res = await this.call(apiPath, logical);
    if (res.status === 404) return undefined;
    const body = parseJson(res.text) as { data?: { data?: Record<string, unknown> | null } & Record<string, unknown> };
    return loc.version === 2 ? (body.data?.data ?? undefined) : (body.data ?? undefined);
  }

  private async locate(logical: string): Promise<Location> {
    const explicitMount = this.opts.mount ?? this.urlPath?.split('/').filter(Boolean)[0];
    if (this.opts.kvVersion) {
      const mount = trimSlashes(explicitMount ?? logical.split('/')[0]);
      return { mount, path: trimSlashes(logical.slice(mount.length)), version: this.opts.kvVersion };
    }
    const res = await this.call(`sys/internal/ui/mounts/${logical}`, logical);
    if (res.status === 404) {
      throw new SecretStoreError('config', `Vault has no secrets engine mounted at ${logical} (404 from ${origin(this.base)})`);
    }
    const body = parseJson(res.text) as { data?: { path?: string; type?: string; options?: { version?: string } | null } };
    const mount = trimSlashes(body.data?.path ?? explicitMount ?? logical.split('/')[0]);
    const version = body.data?.options?.version === '2' ? 2 : 1;
    return { mount, path: trimSlashes(logical.slice(mount.length)), version };
  }

  /** GET with the token; 200 and 404 are returned, everything else becomes a clear error. */
  private async call(apiPath: string, logical: string) {
    const headers: Record<string, string> = { 'X-Vault-Token': this.opts.token, Accept: 'application/json' };
    if (this.opts.namespace) headers['X-Vault-Namespace'] = this.opts.namespace;
    const res = await this.http.send('GET', `${this.base}/v1/${encodePath(apiPath)}`, headers);
    if (res.status === 200 || res.status === 404) return res;
    const detail = vaultErrors(res.text);
    if (res.status === 403) {
      throw new SecretStoreError(
        'config',
        `Vault denied access to ${logical} (403${detail ? `: ${detail}` : ''}): the vault_token is wrong or expired, or its ` +
          `policy lacks "read" on this path (KV v2 policies name <mount>/data/<path>)`,
      );
    }
    if (res.status === 503) {
      const sealed = /sealed/i.test(detail);
      throw new SecretStoreError(
        'unavailable',
        sealed
          ? `Vault at ${origin(this.base)} is sealed (503): an operator must unseal it (vault operator unseal) before secrets can be read`
          : `Vault at ${origin(this.base)} is unavailable (503${detail ? `: ${detail}` : ''})`,
      );
    }
    if (res.status >= 500 || res.status === 429) {
      throw new SecretStoreError('unavailable', `Vault at ${origin(this.base)} answered ${res.status}${detail ? `: ${detail}` : ''}`);
    }
    throw new SecretStoreError('config', `Vault refused to read ${logical} (${res.status}${detail ? `: ${detail}` : ''})`);
  }
}

/** Splits the original's `https://host/v1/secret/zendesk` form into a base URL and a logical path. */
export function parseVaultUrl(url: string): { base: string; logicalPath?: string } {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new SecretStoreError('config', 'vault_url (stored in the keyring) is not a valid URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new SecretStoreError('config', 'vault_url (stored in the keyring) must start with http:// or https://');
  }
  const match = /^(.*?)\/v1(?:\/(.*))?$/.exec(parsed.pathname.replace(/\/+$/, ''));
  if (!match) return { base: `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}` };
  const logicalPath = match[2] ? trimSlashes(decodeURIComponent(match[2])) : undefined;
  return { base: `${parsed.origin}${match[1]}`, logicalPath: logicalPath || undefined };
}

function trimSlashes(s: string): string {
  return s.replace(/^\/+|\/+$/g, '');
}

function encodePath(p: string): string {
  return p.split('/').map(encodeURIComponent).join('/');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new SecretStoreError('unavailable', 'Vault answered with something that is not JSON (is vault_url pointing at Vault?)');
  }
}

function vaultErrors(text: string): string {
  try {
    const body = JSON.parse(text) as { errors?: unknown[] };
    return Array.isArray(body.errors) ? body.errors.map(String).join('; ') : '';
  } catch {
    return '';
  }
}
