/**
 * The Google service account a Google source signs in as: its JSON key (pasted whole into
 * `service_account_json_key`, as the original had it, or read from `service_account_key_file`), the kit's OAuth2
 * JWT grant (RS256, with `sub` for domain-wide delegation), and what Google's token endpoint means when it refuses.
 * https://developers.google.com/identity/protocols/oauth2/service-account
 */
import fs from 'node:fs';
import { ConfigError, PermanentError } from '../../errors.js';
import { jwtBearer, type AuthProvider } from '../../http/index.js';
import { NO_KEY, type ServiceAccountKeySettings } from './settings.js';

/** The fields of a service account key file the sources read (the file has more: auth_uri, cert URLs, ...). */
export interface ServiceAccountKey {
  type?: string;
  project_id?: string;
  private_key_id?: string;
  private_key: string;
  client_email: string;
  /** The numeric OAuth2 client ID, which the Admin console's domain-wide delegation page asks for. */
  client_id?: string;
  token_uri?: string;
}

export type KeySetting = keyof ServiceAccountKeySettings;

export interface ServiceAccount {
  key: ServiceAccountKey;
  /** The setting the key came from, named in every error about it. */
  setting: KeySetting;
}

/**
 * The key from whichever setting holds it; a ConfigError naming the setting when neither or both do, or when the
 * text is not a service account's key. The original's default `{}` means "not set" (there it crashed the run).
 */
export function serviceAccountOf(s: ServiceAccountKeySettings, section: string): ServiceAccount {
  const pasted = s.service_account_json_key.trim();
  const hasPasted = pasted !== '' && pasted !== NO_KEY;
  const file = s.service_account_key_file;
  if (hasPasted && file) {
    throw new ConfigError({ section, key: 'service_account_key_file' }, 'set either service_account_json_key or service_account_key_file, not both');
  }
  if (!hasPasted && !file) {
    throw new ConfigError({ section, key: 'service_account_json_key' },
      "is empty: paste the service account's JSON key on one line, or set service_account_key_file to the key file");
  }
  const setting: KeySetting = file ? 'service_account_key_file' : 'service_account_json_key';
  const text = file ? readKeyFile(file, section) : pasted;
  return { key: parseKey(text, section, setting), setting };
}

function readKeyFile(file: string, section: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError({ section, key: 'service_account_key_file' }, `"${file}" cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function parseKey(text: string, section: string, setting: KeySetting): ServiceAccountKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON.parse quotes the text around the mistake, which is the private key: never show it.
    throw new ConfigError({ section, key: setting }, 'is not valid JSON: use the key file exactly as Google Cloud downloaded it' +
      (setting === 'service_account_json_key' ? ', on one line' : ''));
  }
  const key = parsed as Partial<ServiceAccountKey> | null;
  if (key?.type !== undefined && key.type !== 'service_account') {
    throw new ConfigError({ section, key: setting }, `holds "${String(key.type)}" credentials, not a service account key (type "service_account")`);
  }
  if (typeof key?.client_email !== 'string' || typeof key.private_key !== 'string') {
    throw new ConfigError({ section, key: setting }, 'lacks client_email or private_key: use a service account key file (IAM & Admin > Service accounts > Keys > Add key > JSON)');
  }
  return key as ServiceAccountKey;
}

export interface GoogleAuthOptions {
  section: string;
  account: ServiceAccount;
  scope: string;
  /** Domain-wide delegation: the Workspace administrator to act as. */
  subject?: string;
  /** The token_url setting; empty: the key's token_uri. */
  tokenUrl?: string;
}

/** The kit's Google JWT grant for this account, with Google's token errors explained for the admin. */
export function googleServiceAccountAuth(o: GoogleAuthOptions): AuthProvider {
  const names = { key: o.account.setting, subject: 'service_account_impersonate' };
  try {
    return jwtBearer({
      kind: 'google',
      serviceAccount: o.account.key,
      scope: o.scope,
      subject: o.subject,
      tokenUrl: o.tokenUrl || undefined,
      settings: names,
      rejected: explainTokenRejection(o),
    });
  } catch (err) {
    // The kit names the setting but not the section (a private key that does not parse).
    if (err instanceof ConfigError && !err.location.section) {
      throw new ConfigError({ section: o.section, key: err.location.key }, err.message.replace(/^\S+: /, ''));
    }
    throw err;
  }
}

/**
 * What Google's token endpoint means by its refusals (status 400/401, `error` and `error_description`), in the
 * words of the console the admin has to open. Others keep the kit's message, which names the key setting.
 */
export function explainTokenRejection(o: GoogleAuthOptions) {
  const { key } = o.account;
  const keySetting = o.account.setting;
  const who = `service account "${key.client_email}"`;
  return (status: number, said: string): Error | undefined => {
    const quoted = `(HTTP ${status}: ${said})`;
    if (/unauthorized_client/.test(said) && o.subject) {
      return new ConfigError({ section: o.section, key: 'service_account_impersonate' },
        `Google refused to let ${who} act as "${o.subject}" ${quoted}: domain-wide delegation is not granted for these scopes. ` +
        `In the Admin console, Security > Access and data control > API controls > Manage Domain Wide Delegation, add client ID ` +
        `${key.client_id ?? '(the client_id of the key file)'} with the scope ${o.scope}`);
    }
    if (/Invalid email or User ID/i.test(said)) {
      return new ConfigError({ section: o.section, key: 'service_account_impersonate' },
        `"${o.subject ?? ''}" is not a user of the Google Workspace domain ${quoted}: set service_account_impersonate to the e-mail of an administrator`);
    }
    if (/Invalid JWT Signature/i.test(said)) {
      return new ConfigError({ section: o.section, key: keySetting },
        `Google does not accept the key of ${who} ${quoted}: the key${key.private_key_id ? ` "${key.private_key_id}"` : ''} was deleted or disabled, ` +
        'or private_key does not belong to client_email. Create a new key (IAM & Admin > Service accounts > Keys) and use that file');
    }
    if (/account not found/i.test(said)) {
      return new ConfigError({ section: o.section, key: keySetting },
        `Google does not know ${who} ${quoted}: the service account was deleted${key.project_id ? ` from project "${key.project_id}"` : ''}; create one and use its key`);
    }
    if (/short-lived token|iat and exp/i.test(said)) {
      return new PermanentError(`[${o.section}] Google refused the times of the signed assertion ${quoted}: this machine's clock is off; synchronise it (NTP)`);
    }
    return undefined;
  };
}
