/**
 * CyberArk Conjur, read-only. API: https://docs.cyberark.com/conjur-open-source/latest/en/content/developer/conjur_api/rest_api.htm
 * - POST /authn/<account>/<login>/authenticate with the API key as the body -> an access token (JSON).
 * - GET /secrets/<account>/variable/<id> with `Authorization: Token token="<base64 of the token>"`.
 * Access tokens live 8 minutes; we fetch a new one after 7 and also once on a 401.
 * As in the original, the account defaults to the alias, the login to `admin`, and the variable id is the key.
 */
import { SecretHttp, origin, type TlsOptions } from '../http.js';
import type { SecretStore } from '../types.js';
import { SecretStoreError } from '../writable.js';

export const TOKEN_REFRESH_MS = 7 * 60 * 1000;

export interface ConjurOptions {
  /** vault_url from the keyring: the Conjur appliance URL (may include a path prefix, e.g. `/api`). */
  url: string;
  /** vault_token from the keyring: the login's API key. */
  apiKey: string;
  /** cyberark_account; default the alias. */
  account?: string;
  /** cyberark_login; default `admin`. */
  login?: string;
  tls: TlsOptions;
  timeoutMs?: number;
  /** Clock, for tests of token expiry. */
  now?: () => number;
}

export class ConjurStore implements SecretStore {
  readonly name = 'cyberark';
  private readonly http: SecretHttp;
  private readonly base: string;
  private readonly login: string;
  private readonly now: () => number;
  private token: { header: string; at: number; account: string } | undefined;

  constructor(private readonly opts: ConjurOptions) {
    try {
      const u = new URL(opts.url.trim());
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
      this.base = `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
    } catch {
      throw new SecretStoreError('config', 'vault_url (stored in the keyring) is not a valid http(s) URL for CyberArk Conjur');
    }
    this.login = opts.login || 'admin';
    this.now = opts.now ?? Date.now;
    this.http = new SecretHttp('CyberArk Conjur', opts.tls, opts.timeoutMs);
  }

  async get(alias: string, key: string): Promise<string | undefined> {
    const account = this.opts.account || alias;
    const url = `${this.base}/secrets/${encodeURIComponent(account)}/variable/${encodeURIComponent(key)}`;
    let res = await this.http.send('GET', url, { Authorization: await this.authHeader(account, false) });
    if (res.status === 401) {
      // The token may have expired early (clock skew, server restart): one fresh token, one retry.
      res = await this.http.send('GET', url, { Authorization: await this.authHeader(account, true) });
    }
    if (res.status === 200) return res.text;
    if (res.status === 404) return undefined;
    if (res.status === 401) throw new SecretStoreError('config', `CyberArk Conjur rejected a fresh access token for login "${this.login}" (401)`);
    if (res.status === 403) {
      throw new SecretStoreError(
        'config',
        `CyberArk Conjur denied login "${this.login}" access to variable "${key}" in account "${account}" (403): grant it "read" and "execute" in the policy`,
      );
    }
    throw this.statusError(res.status, `reading variable "${key}"`);
  }

  missingHint(alias: string, key: string): string {
    const account = this.opts.account || alias;
    return `CyberArk Conjur has no variable "${key}" (or no value for it) in account "${account}"; declare it in the policy (- !variable ${key}) and add a value with: conjur variable set -i ${key} -v ...`;
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private async authHeader(account: string, force: boolean): Promise<string> {
    const fresh = this.token && this.token.account === account && this.now() - this.token.at < TOKEN_REFRESH_MS;
    if (fresh && !force) return this.token!.header;
    const at = this.now();
    const url = `${this.base}/authn/${encodeURIComponent(account)}/${encodeURIComponent(this.login)}/authenticate`;
    const res = await this.http.send('POST', url, { 'Content-Type': 'text/plain', Accept: 'application/json' }, this.opts.apiKey);
    if (res.status === 401) {
      throw new SecretStoreError(
        'config',
        `CyberArk Conjur at ${origin(this.base)} rejected the API key (vault_token in the keyring) for login "${this.login}" in account "${account}" (401); check vault_token, cyberark_login and cyberark_account`,
      );
    }
    if (res.status !== 200) throw this.statusError(res.status, `authenticating login "${this.login}"`);
    const header = `Token token="${Buffer.from(res.text, 'utf8').toString('base64')}"`;
    this.token = { header, at, account };
    return header;
  }

  private statusError(status: number, what: string): SecretStoreError {
    const kind = status >= 500 || status === 429 ? 'unavailable' : 'config';
    return new SecretStoreError(kind, `CyberArk Conjur at ${origin(this.base)} answered ${status} when ${what}`);
  }
}
