/**
 * An Apple Business Manager API test server: Apple's token endpoint and the API on one port, answering as Apple does:
 * - POST /auth/oauth2/token: client credentials with a client assertion (RFC 7523 2.2). The ES256 signature must be
 *   the 64-byte JOSE r||s (a DER one is refused), the header kid the key's, iss = sub = client_id, and aud Apple's
 *   https://account.apple.com/auth/oauth2/v2/token (not this URL: the audience differs from the token URL), exp - iat
 *   at most 180 days, jti never seen before; otherwise 400 {"error":"invalid_client"}. A scope other than
 *   business.api / school.api is invalid_scope. Tokens live `tokenLifetimeSec` (Apple: 3600).
 * - /v1/orgDevices (limit 1-1000, else 400 PARAMETER_ERROR.INVALID; `cursor` from `links.next`), JSON:API bodies;
 *   /v1/orgDevices/{id}/assignedServer (data null when unassigned), /v1/orgDevices/{id}/appleCareCoverage.
 * - A missing, unknown or expired bearer token is 401 with Apple's errors body (NOT_AUTHORIZED); a school.api token
 *   is refused by this business API the same way.
 * - On request: throttling (429 with Retry-After), one device whose detail calls fail, denied access (403), tokens
 *   that stop working after N more requests.
 */
import crypto, { type KeyObject } from 'node:crypto';
import { InFlightCounter, startTestServer, type RecordedRequest, type TestResponse, type TestServer } from './httpTestServer.js';

export const APPLE_AUDIENCE = 'https://account.apple.com/auth/oauth2/v2/token';

export interface FakeAppleBusinessOptions {
  devices?: number;
  deny?: boolean;
  tokenLifetimeSec?: number;
}

export interface FakeAppleBusiness {
  url: string;
  tokenUrl: string;
  clientId: string;
  keyId: string;
  /** The API account's private key, PEM (what Apple lets the admin download once). */
  privateKeyPem: string;
  server: TestServer;
  /** API request lines (method, path and query), token requests excluded. */
  log: string[];
  statuses: number[];
  tokensIssued: number;
  maxInFlight: number;
  /** The decoded headers and claims of every assertion received. */
  assertions: Array<{ header: Record<string, unknown>; claims: Record<string, unknown>; signatureBytes: number }>;
  /** Device i as Apple lists it: `{type: 'orgDevices', id, attributes, relationships, links}`. */
  device(i: number): { type: string; id: string; attributes: Record<string, unknown> };
  server_(i: number): { type: string; id: string; attributes: Record<string, unknown> } | null;
  coverage(i: number): Array<{ type: string; id: string; attributes: Record<string, unknown> }>;
  throttle(times?: number, after?: number): void;
  failDevice(i: number): void;
  /** Every token issued so far stops working after `requests` more API requests. */
  expireTokens(requests?: number): void;
  close(): Promise<void>;
}

const appleError = (status: number, code: string, title: string, detail: string, headers: Record<string, string> = {}): TestResponse => ({
  status, headers, json: { errors: [{ id: '8c0e4a9e-6a0b-4c2e-9d7f-3f1e2b5a6c7d', status: String(status), code, title, detail }] },
});
const oauthError = (error: string): TestResponse => ({ status: 400, json: { error } });

export async function startFakeAppleBusiness(opts: FakeAppleBusinessOptions = {}): Promise<FakeAppleBusiness> {
  const count = opts.devices ?? 5;
  const lifetime = opts.tokenLifetimeSec ?? 3600;
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const clientId = 'BUSINESSAPI.9703f56c-10ce-4876-8f59-e78e5e23a152';
  const keyId = 'd136aa66-0c3b-4bd4-9892-c20e8db024ab';
  const tokens = new Map<string, { scope: string; expiresAt: number }>();
  const seenJti = new Set<string>();
  const failing = new Set<number>();
  let throttleNext = 0;
  let throttleAfter = 0;
  let expireAfter = -1;
  const inFlight = new InFlightCounter();

  const serial = (i: number) => `DMPXK${String(i).padStart(7, '0')}`;
  const device = (i: number) => ({
    type: 'orgDevices',
    id: serial(i),
    attributes: {
      serialNumber: serial(i),
      addedToOrgDateTime: '2025-10-01T08:00:00Z',
      releasedFromOrgDateTime: null,
      updatedDateTime: '2026-05-01T08:00:00Z',
      deviceModel: i % 2 ? 'iPad Air 11-inch (M2)' : 'MacBook Air 13-inch (M3)',
      productFamily: i % 2 ? 'iPad' : 'Mac',
      productType: i % 2 ? 'iPad14,8' : 'Mac15,12',
      deviceCapacity: '256GB',
      partNumber: i % 2 ? 'MUWF3LL/A' : 'MRXN3LL/A',
      orderNumber: `ORD-${1000 + (i % 7)}`,
      color: 'SPACE GRAY',
      status: 'ASSIGNED',
      orderDateTime: '2025-09-20T00:00:00Z',
      imei: i % 2 ? [`35${String(i).padStart(13, '0')}`] : [],
      meid: [],
      eid: null,
      wifiMacAddress: `A4:B1:C2:00:${String(Math.floor(i / 100)).padStart(2, '0')}:${String(i % 100).padStart(2, '0')}`,
      bluetoothMacAddress: null,
      ethernetMacAddress: null,
      purchaseSourceId: '1A2B3C',
      purchaseSourceType: 'APPLE',
    },
  });
  const mdmServer = (i: number) => (i % 3 === 0 ? null : {
    type: 'mdmServers',
    id: i % 3 === 1 ? '1F97349736CF4614A94F624E705841AD' : '2E4C9A7B1D3F4E5A8B6C7D8E9F0A1B2C',
    attributes: { serverName: i % 3 === 1 ? 'Jamf Pro' : 'Devices Added by Apple Configurator 2', serverType: i % 3 === 1 ? 'MDM' : 'APPLE_CONFIGURATOR', createdDateTime: '2024-01-10T10:00:00Z', updatedDateTime: '2026-01-10T10:00:00Z' },
  });
  const coverage = (i: number) => [
    { type: 'appleCareCoverage', id: `${serial(i)}-LIMITED`, attributes: { agreementNumber: null, description: 'Limited Warranty', startDateTime: '2025-09-20T00:00:00Z', endDateTime: '2026-09-19T00:00:00Z', isRenewable: false, isCanceled: false, paymentType: 'NONE', status: 'ACTIVE' } },
    ...(i % 2 === 0 ? [{ type: 'appleCareCoverage', id: `${serial(i)}-ACP`, attributes: { agreementNumber: `AC${i}`, description: 'AppleCare+ for Business', startDateTime: '2025-09-20T00:00:00Z', endDateTime: '2028-09-19T00:00:00Z', isRenewable: true, isCanceled: false, paymentType: 'PAID_UP_FRONT', status: 'ACTIVE' } }] : []),
  ];

  const fake: FakeAppleBusiness = {
    url: '', tokenUrl: '', clientId, keyId,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    server: undefined as unknown as TestServer,
    log: [], statuses: [], tokensIssued: 0, assertions: [],
    get maxInFlight() {
      return inFlight.max;
    },
    device, server_: mdmServer, coverage,
    throttle: (times = 1, after = 0) => {
      throttleNext = times;
      throttleAfter = after;
    },
    failDevice: (i) => void failing.add(i),
    expireTokens: (requests = 0) => (requests === 0 ? tokens.clear() : void (expireAfter = requests)),
    close: () => fake.server.close(),
  };

  const token = (req: RecordedRequest, key: KeyObject): TestResponse => {
    const form = new URLSearchParams(req.body);
    if (form.get('grant_type') !== 'client_credentials') return oauthError('unsupported_grant_type');
    if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') return oauthError('invalid_request');
    const parts = (form.get('client_assertion') ?? '').split('.');
    if (parts.length !== 3 || form.get('client_id') !== clientId) return oauthError('invalid_client');
    let header: Record<string, unknown>;
    let claims: Record<string, unknown>;
    try {
      [header, claims] = parts.slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>);
    } catch {
      return oauthError('invalid_client');
    }
    const signature = Buffer.from(parts[2], 'base64url');
    fake.assertions.push({ header, claims, signatureBytes: signature.length });
    // A DER-encoded ECDSA signature is 70-72 bytes; JOSE wants r||s, exactly 64.
    const signed = signature.length === 64 && crypto.verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), { key, dsaEncoding: 'ieee-p1363' }, signature);
    if (header.alg !== 'ES256' || header.kid !== keyId || !signed) return oauthError('invalid_client');
    const nowS = Math.floor(Date.now() / 1000);
    const { iat, exp, jti } = claims as { iat: unknown; exp: unknown; jti: unknown };
    const fresh = typeof iat === 'number' && typeof exp === 'number' && iat <= nowS + 60 && exp > nowS && exp - iat <= 180 * 86_400;
    if (claims.iss !== clientId || claims.sub !== clientId || claims.aud !== APPLE_AUDIENCE || !fresh) return oauthError('invalid_client');
    if (typeof jti !== 'string' || seenJti.has(jti)) return oauthError('invalid_client');
    seenJti.add(jti);
    const scope = form.get('scope') ?? '';
    if (scope !== 'business.api' && scope !== 'school.api') return oauthError('invalid_scope');
    const value = `eyJhbGciOiJFUzI1NiJ9.abm-${++fake.tokensIssued}.${crypto.randomBytes(8).toString('hex')}`;
    tokens.set(value, { scope, expiresAt: Date.now() + lifetime * 1000 });
    return { json: { access_token: value, token_type: 'Bearer', expires_in: lifetime, scope } };
  };

  const notAuthorized = () => appleError(401, 'NOT_AUTHORIZED', 'Authentication credentials are missing or invalid.', 'Provide a properly configured and signed bearer token, and make sure that it has not expired.');

  const page = (req: RecordedRequest, items: unknown[], path: string): TestResponse => {
    const limit = Number(req.query.limit ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      return appleError(400, 'PARAMETER_ERROR.INVALID', 'A parameter has an invalid value', `'${req.query.limit}' is not a valid value for limit: it must be between 1 and 1000`);
    }
    const start = req.query.cursor === undefined ? 0 : Number(Buffer.from(req.query.cursor, 'base64url').toString('utf8'));
    if (!Number.isInteger(start) || start < 0) return appleError(400, 'PARAMETER_ERROR.INVALID', 'A parameter has an invalid value', 'The cursor is invalid.');
    const data = items.slice(start, start + limit);
    const more = start + limit < items.length;
    const cursor = Buffer.from(String(start + limit)).toString('base64url');
    return {
      json: {
        data,
        links: { self: `${fake.url}${req.url}`, ...(more ? { next: `${fake.url}${path}?cursor=${cursor}&limit=${limit}` } : {}) },
        meta: { paging: { limit, ...(more ? { nextCursor: cursor } : {}) } },
      },
    };
  };

  const api = (req: RecordedRequest): TestResponse => {
    if (throttleNext > 0 && throttleAfter-- <= 0) {
      throttleNext--;
      return appleError(429, 'RATE_LIMIT_EXCEEDED', 'The request rate limit has been reached.', 'We\'ve received too many requests for this API. Please wait and try again.', { 'retry-after': '1' });
    }
    const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    const grant = bearer === undefined ? undefined : tokens.get(bearer);
    if (!grant || Date.now() >= grant.expiresAt || grant.scope !== 'business.api') return notAuthorized();
    if (expireAfter > 0 && --expireAfter === 0) tokens.clear();
    if (req.method !== 'GET') return appleError(405, 'METHOD_NOT_ALLOWED', 'The request method is not valid for the resource path.', '');
    if (opts.deny) return appleError(403, 'FORBIDDEN_ERROR', 'This request is forbidden for security reasons', 'The API account does not have access to this resource.');
    const all = Array.from({ length: count }, (_, k) => k + 1);
    if (req.path === '/v1/orgDevices') return page(req, all.map(device), '/v1/orgDevices');
    const m = /^\/v1\/orgDevices\/([^/]+)\/(assignedServer|appleCareCoverage)$/.exec(req.path);
    const i = m ? all.find((k) => serial(k) === m[1]) : undefined;
    if (!m || i === undefined || failing.has(i)) {
      return appleError(404, 'NOT_FOUND', 'The specified resource does not exist', `There is no resource of type 'orgDevices' with id '${m?.[1] ?? ''}'`);
    }
    if (m[2] === 'assignedServer') return { json: { data: mdmServer(i), links: { self: `${fake.url}${req.path}` } } };
    return page(req, coverage(i), req.path);
  };

  fake.server = await startTestServer(async (req, res) => {
    if (req.method === 'POST' && req.path === '/auth/oauth2/token') return token(req, publicKey);
    fake.log.push(`${req.method} ${req.url}`);
    const leave = inFlight.enter(res);
    try {
      await new Promise((resolve) => setTimeout(resolve, 1));
      const answer = api(req);
      fake.statuses.push(answer.status ?? 200);
      return answer;
    } finally {
      leave();
    }
  });
  fake.url = fake.server.url;
  fake.tokenUrl = `${fake.server.url}/auth/oauth2/token`;
  return fake;
}
