/**
 * FortiManager's JSON-RPC API as `[fortimanager]` uses it, on the kit.
 * - Every call is `POST {url}` (…/jsonrpc) with a JSON body `{id, method, params: [{url, data?, fields?}], session,
 *   verbose}`. "The Status code in the HTTP response does not generally relate to the result": the outcome is
 *   `result[0].status.code` (0 = OK) and `.message`.
 *   https://how-to-fortimanager-api.readthedocs.io/en/latest/001_fmg_json_api_introduction.html
 * - Login: `exec` on `/sys/login/user` with `{user, passwd}` gives a top-level `session`, sent in the body of every
 *   later call; the session lasts until logout (`exec /sys/logout`) or the admin idle timeout. An expired or unknown
 *   session answers code -11 "No permission for the resource", the same code as a real lack of permission: the
 *   client logs in again once (kit: classifyFailure 'reauthenticate') and a second -11 is the permission error.
 */
import { ConfigError, PermanentError } from '../../errors.js';
import { sessionLogin, type HttpClientLike, type HttpResponse } from '../../http/index.js';
import type { RawRecord } from '../types.js';

/** Codes of `result[].status.code` seen on FortiManager (its JSON API reference and the ansible collection). */
export const STATUS_TEXT: Readonly<Record<number, string>> = {
  [-1]: 'internal error',
  [-2]: 'object already exists',
  [-3]: 'object does not exist',
  [-6]: 'invalid url',
  [-10]: 'the data is invalid for the selected url',
  [-11]: 'no permission for the resource',
  [-20]: 'invalid request',
  [-22]: 'login failed',
};
export const SESSION_ENDED = -11;

export interface RpcStatus {
  code: number;
  message: string;
}

interface RpcReply {
  result?: Array<{ status?: { code?: unknown; message?: unknown }; data?: unknown; url?: string }>;
  session?: unknown;
}

/** The JSON-RPC URL as the original builds it: slashes trimmed, /jsonrpc appended unless the URL has it. */
export function jsonRpcUrl(url: string): string {
  const trimmed = url.replace(/^\/+|\/+$/g, '');
  return trimmed.includes('/jsonrpc') ? trimmed : `${trimmed}/jsonrpc`;
}

function reply(res: HttpResponse): RpcReply {
  try {
    const body = res.json<unknown>();
    return body && typeof body === 'object' && !Array.isArray(body) ? (body as RpcReply) : {};
  } catch {
    throw new PermanentError(`FortiManager answered ${res.url} with something that is not JSON-RPC (HTTP ${res.status}): check url`);
  }
}

/** The status of the first result; a reply without one is an error (not "no devices", as the original had it). */
export function firstStatus(body: RpcReply, where: string): RpcStatus & { data: unknown } {
  const first = Array.isArray(body.result) ? body.result[0] : undefined;
  const code = Number(first?.status?.code);
  if (!first || !Number.isFinite(code)) throw new PermanentError(`FortiManager answered ${where} without a status (no result[0].status.code)`);
  return { code, message: typeof first.status?.message === 'string' ? first.status.message : STATUS_TEXT[code] ?? '', data: first.data };
}

/** For the kit's classifyFailure ('reauthenticate'): a reply whose first status is -11. */
export function sessionEnded(res: HttpResponse): boolean {
  // Cheap test first: a device list can be megabytes, and it is parsed again by its reader.
  if (!res.text.includes(String(SESSION_ENDED))) return false;
  try {
    return Number((res.json<RpcReply>().result ?? [])[0]?.status?.code) === SESSION_ENDED;
  } catch {
    return false;
  }
}

export interface FortiCredentials {
  user: string;
  password: string;
}

/** The JSON-RPC session: one login per run (shared by check and read), logged out when the section's client closes. */
export function fortimanagerSession(url: string, creds: FortiCredentials, section: string) {
  return sessionLogin({
    async login(client: HttpClientLike) {
      const body = reply(await client.request('POST', url, {
        json: { id: 1, method: 'exec', params: [{ data: [{ passwd: creds.password, user: creds.user }], url: '/sys/login/user' }], session: null, verbose: 1 },
      }));
      const status = firstStatus(body, '/sys/login/user');
      if (status.code !== 0 || typeof body.session !== 'string' || body.session === '') {
        const said = status.code !== 0 ? `status ${status.code}: ${status.message}` : 'no session in the reply';
        throw new ConfigError({ section, key: 'password' },
          `FortiManager refused the login of "${creds.user}" (${said}): check user and password, and that the administrator may use the JSON API (rpc-permit read or read-write)`);
      }
      return { value: body.session };
    },
    async logout(client, session) {
      await client.request('POST', url, { json: { id: 1, method: 'exec', params: [{ url: '/sys/logout' }], session }, retry: { retries: 0 } });
    },
    inject: { jsonBody: 'session' },
    describe: () => `administrator "${creds.user}"`,
  });
}

/** Every managed device (`/dvmdb/device`), with only `fields` when given; `range` limits the reply (connector test). */
export async function devices(client: HttpClientLike, url: string, fields: string[], who: string, signal: AbortSignal, range?: [number, number]): Promise<RawRecord[]> {
  const res = await client.request('POST', url, {
    json: { method: 'get', params: [{ fields, url: '/dvmdb/device', ...(range ? { range } : {}) }], session: null, verbose: 1, id: 1 },
    signal,
  });
  const status = firstStatus(reply(res), '/dvmdb/device');
  if (status.code === SESSION_ENDED) {
    throw new PermanentError(`FortiManager: ${who} may not read the managed devices (/dvmdb/device, status -11: ${status.message}): give the administrator a profile with read access to Device Manager and rpc-permit read or read-write`);
  }
  if (status.code !== 0) {
    const hint = status.code === -10 || status.code === -6 ? '; check filter_fields' : '';
    throw new PermanentError(`FortiManager could not list the managed devices (/dvmdb/device, status ${status.code}: ${status.message})${hint}`);
  }
  if (status.data === undefined || status.data === null) return [];
  if (!Array.isArray(status.data)) throw new PermanentError(`FortiManager answered /dvmdb/device with ${typeof status.data} data, not a list`);
  return status.data as RawRecord[];
}
