/**
 * The two shapes of the vSphere Automation REST API on the kit:
 * - `/rest` (vCenter 6.5 to 7.0U1, still served later): `POST /rest/com/vmware/cis/session` with Basic gives
 *   `{"value": "<token>"}`; list filters are `filter.<name>=`; every body is wrapped in `{"value": ...}`; errors are
 *   `{"type": "com.vmware.vapi.std.errors.<kind>", "value": {"messages": [...]}}`.
 * - `/api` (7.0U2 and later): `POST /api/session` gives the token as a JSON string; filters are `<name>=`; bodies are
 *   bare; errors are `{"error_type": "<KIND>", "messages": [...]}`.
 * The token travels as `vmware-api-session-id`; `DELETE` on the session path logs out.
 * https://developer.broadcom.com/xapis/vsphere-automation-api/latest/
 */
import { ConfigError, PermanentError } from '../../errors.js';
import {
  HttpPermanentError,
  sessionLogin,
  type FailedRequest,
  type FailureClassifier,
  type HttpClientLike,
  type HttpResponse,
  type SessionLogin,
} from '../../http/index.js';

export interface Flavour {
  readonly legacy: boolean;
  /** `/rest` or `/api`. */
  readonly root: string;
  readonly sessionPath: string;
  /** The query parameter of a list filter: `filter.hosts` or `hosts`. */
  filter(name: string): string;
  /** The body without the `/rest` API's `{"value": ...}` wrapper. */
  unwrap<T>(res: HttpResponse): T;
}

export function flavourOf(legacy: boolean): Flavour {
  const root = legacy ? '/rest' : '/api';
  return {
    legacy,
    root,
    sessionPath: legacy ? '/rest/com/vmware/cis/session' : '/api/session',
    filter: (name) => (legacy ? `filter.${name}` : name),
    unwrap: <T>(res: HttpResponse) => {
      const body = res.json<unknown>();
      return (legacy ? (body as { value?: unknown } | null)?.value : body) as T;
    },
  };
}

interface VapiMessage {
  default_message?: unknown;
}

/** `UNAUTHENTICATED: Authentication required.` from either error shape (the kit alone would find no message). */
export function vcenterErrorText(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error_type?: unknown; type?: unknown; messages?: VapiMessage[]; value?: { messages?: VapiMessage[] } };
    const kind = typeof parsed.error_type === 'string'
      ? parsed.error_type
      : typeof parsed.type === 'string' ? parsed.type.replace(/^.*\.errors\./, '').toUpperCase() : undefined;
    const messages = parsed.messages ?? parsed.value?.messages;
    const text = Array.isArray(messages) ? messages.map((m) => m?.default_message).filter((m) => typeof m === 'string' && m).join('; ') : '';
    if (kind) return text ? `${kind}: ${text}` : kind;
    return text || undefined;
  } catch {
    return undefined;
  }
}

/**
 * A VM list matching more VMs than one call may return (1000 on old /rest builds, 4000 later) fails with
 * UNABLE_TO_ALLOCATE_RESOURCE (HTTP 500): not worth retrying; the source narrows the filter instead.
 */
export const classifyVcenterFailure: FailureClassifier = (res) =>
  res.status === 500 && /unable_to_allocate_resource/i.test(res.text) ? 'fail' : undefined;

export function isTooMany(err: unknown): boolean {
  return err instanceof HttpPermanentError && err.status === 500 && /UNABLE_TO_ALLOCATE_RESOURCE/.test(err.message);
}

/** What a final 401/403/404 means for the admin. */
export function explainVcenterFailure(section: string, flavour: Flavour, username: string) {
  return (f: FailedRequest): Error | undefined => {
    const path = new URL(f.url).pathname;
    const said = f.said ? `: ${f.said}` : '';
    if (f.status === 401) {
      return new ConfigError({ section, key: 'password' }, `vCenter refused the session of "${username}" on ${path} (HTTP 401${said}): check username and password`);
    }
    if (f.status === 403) {
      return new PermanentError(`vCenter: "${username}" may not read ${path} (HTTP 403${said}): give the user a role with System.View and System.Read (e.g. Read-only) on the vCenter, propagated to its children`);
    }
    if (f.status === 404 && path.startsWith(`${flavour.root}/vcenter/datacenter`)) {
      return new ConfigError({ section, key: 'use_legacy_apis' }, `no ${flavour.root} API at ${f.url} (HTTP 404): ${flavour.legacy ? 'set use_legacy_apis = False' : 'vCenter before 7.0U2 needs use_legacy_apis = True'}`);
    }
    return undefined;
  };
}

/** The session login of `username`; rejected credentials and a missing API say which setting to change. */
export function vcenterSession(flavour: Flavour, creds: { username: string; password: string }, section: string): SessionLogin {
  const basic = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
  return sessionLogin({
    async login(client: HttpClientLike) {
      const res = await client.request('POST', flavour.sessionPath, {
        headers: { authorization: basic, accept: 'application/json' },
        acceptStatus: [400, 401, 403, 404, 405],
      });
      const said = vcenterErrorText(res.text) ?? res.text.slice(0, 200);
      if (res.status === 404 || res.status === 405) {
        throw new ConfigError({ section, key: 'use_legacy_apis' },
          `vCenter has no ${flavour.sessionPath} (HTTP ${res.status}): ${flavour.legacy ? 'set use_legacy_apis = False' : 'vCenter before 7.0U2 needs use_legacy_apis = True'}`);
      }
      if (res.status >= 400) {
        throw new ConfigError({ section, key: 'password' }, `vCenter refused the login of "${creds.username}" (HTTP ${res.status}${said ? `: ${said}` : ''}): check username and password`);
      }
      const token = flavour.unwrap<unknown>(res);
      if (typeof token !== 'string' || token === '') throw new PermanentError(`the session reply from ${res.url} holds no session id`);
      // No lifetime is announced (sessions end after 30 idle minutes by default): a 401 logs in again.
      return { value: token };
    },
    async logout(client, token) {
      await client.request('DELETE', flavour.sessionPath, { headers: { 'vmware-api-session-id': token }, acceptStatus: [401, 404], retry: { retries: 0 } });
    },
    inject: { header: 'vmware-api-session-id' },
    describe: () => `"${creds.username}"`,
  });
}
