/**
 * A fake Oomnitza cloud for managed mode: the endpoints O1-O14 of the managed fact sheet (§2.5), following
 * its checklist (§17). It rejects what the real one rejects: a missing or unknown Authorization2 token → 401, a bulk
 * payload without the managed envelope's keys → 400, a media download carrying Oomnitza headers → 400. It answers O6
 * for any portion (`{"canceled": false}`) unless a test cancels it, can answer check_managed with 503s (maintenance),
 * and records every request (token, CSRF, X-Connector-Source, body) so tests assert tokens and exact payloads.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sigV4Sign } from '../../src/http/auth/sigv4.js';

/**
 * A stored credential holding AWS keys (the managed AWS IAM path): O12 answers SigV4 headers for the call it is
 * given, signed with this key pair, as the cloud does. Tests may change the fields while a run goes.
 */
export interface FakeAwsCredential {
  accessKeyId: string;
  secretAccessKey: string;
  /** Signing service and region of a call's URL (undefined → 400, as for a URL the cloud cannot sign). */
  scopeOf(url: URL): { service: string; region: string } | undefined;
  /** The cloud's clock (ms). */
  now?: () => number;
  /** Sign with a wrong secret (a cloud holding a rotated-away key). */
  wrongSecret?: boolean;
  /** O12 answers this status for calls whose `Action` param is the key. */
  failActions?: Record<string, number>;
}

export interface CloudRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  token: string | undefined;
  csrf: string | undefined;
  source: string | undefined;
  body: unknown;
}

export interface MediaFileSpec {
  uid: string;
  filename: string;
  creation_date: number;
  created_by_type: string;
  created_by_id: string;
  content: string;
  /** Answer the download with this status instead. */
  status?: number;
}

export interface FakeManagedCloudOptions {
  /** The [oomnitza] token. */
  token?: string;
  /** Further tokens accepted (sync tokens). */
  syncTokens?: string[];
  /** token_id -> token, for O5 (the tokens are accepted too). */
  storedTokens?: Record<string, string>;
  /** Username/password for O2. */
  login?: { username: string; password: string };
  /** Answers of successive check_managed polls; after the last, `[]`. */
  polls?: unknown[][];
  /** O4 replies by connector_id. */
  mappings?: Record<string, unknown>;
  globalVariables?: Array<{ name: string; value: unknown }>;
  credentials?: Record<string, Record<string, unknown>>;
  /** O12: credential id -> the auth it adds to a SaaS call (`{headers, params}`); an unknown id → 404. */
  credentialSecrets?: Record<string, { headers?: Record<string, unknown>; params?: Record<string, unknown> }>;
  /** O12: credential id -> AWS keys; the answer signs the call (SigV4 headers), see FakeAwsCredential. */
  awsCredentials?: Record<string, FakeAwsCredential>;
  media?: MediaFileSpec[];
  /** Sent as X-CSRF-Token on AuthTest answers. */
  csrfToken?: string;
  /** Delay before answering each bulk upload. */
  bulkLatencyMs?: number;
  /** Keep only counts (benchmarks). */
  countOnly?: boolean;
}

export interface FakeManagedCloud {
  url: string;
  token: string;
  requests: CloudRequest[];
  /** Bodies of POST /api/v3/bulk, in arrival order. */
  uploads: Array<Record<string, unknown>>;
  finalized: string[];
  /** [integration id, body] of add_ready_portion calls. */
  readyPortions: Array<[string, Record<string, unknown>]>;
  uploadCount: number;
  recordCount: number;
  /** Portions read as canceled by O6. */
  canceled: Set<string>;
  /** After this many uploads of a portion, O6 says it is canceled. */
  cancelAfterUploads?: number;
  /** The next `count` check_managed polls answer `status` (a 503 with Retry-After is waited out by the client as a rate limit). */
  failPolls(status: number, count: number, retryAfter?: string): void;
  /** Adds answers for the next polls. */
  queuePoll(reply: unknown[]): void;
  /** Requests whose path starts with `prefix`. */
  calls(prefix: string, method?: string): CloudRequest[];
  close(): Promise<void>;
}

const ENVELOPE = ['connector_version', 'sync_field', 'records', 'portion', 'data_type', 'insert_only', 'update_only', 'error', 'test_run', 'multi_str_input_value', 'connector_id'];

export async function startFakeManagedCloud(opts: FakeManagedCloudOptions = {}): Promise<FakeManagedCloud> {
  const token = opts.token ?? 'base-token-0123456789';
  const accepted = new Set([token, ...(opts.syncTokens ?? []), ...Object.values(opts.storedTokens ?? {})]);
  const polls = [...(opts.polls ?? [])];
  const pollFailures: Array<{ status: number; retryAfter?: string }> = [];
  const uploadsByPortion = new Map<string, number>();
  let loginToken: string | undefined;

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const cloud: FakeManagedCloud = {
    url: '',
    token,
    requests: [],
    uploads: [],
    finalized: [],
    readyPortions: [],
    uploadCount: 0,
    recordCount: 0,
    canceled: new Set(),
    failPolls(status, count, retryAfter) {
      for (let i = 0; i < count; i++) pollFailures.push({ status, retryAfter });
    },
    queuePoll(reply) {
      polls.push(reply);
    },
    calls(prefix, method) {
      return cloud.requests.filter((r) => r.path.startsWith(prefix) && (!method || r.method === method));
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      if (String(req.headers['content-type'] ?? '').startsWith('application/json') && text) {
        try {
          body = JSON.parse(text);
        } catch {
          return send(res, 400, { error: 'Malformed JSON' });
        }
      }
      const presented = req.headers.authorization2 === undefined ? undefined : String(req.headers.authorization2);
      const entry: CloudRequest = {
        method: req.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        token: presented,
        csrf: req.headers['x-csrf-token'] === undefined ? undefined : String(req.headers['x-csrf-token']),
        source: req.headers['x-connector-source'] === undefined ? undefined : String(req.headers['x-connector-source']),
        body: opts.countOnly && url.pathname === '/api/v3/bulk' ? undefined : body,
      };
      if (!opts.countOnly || url.pathname !== '/api/v3/bulk') cloud.requests.push(entry);

      // O14: a pre-signed download, no Oomnitza credentials.
      const media = /^\/media\/(.+)$/.exec(url.pathname);
      if (media && req.method === 'GET') {
        if (presented !== undefined || req.headers['x-csrf-token'] !== undefined) return send(res, 400, { error: 'a media URL must not carry Oomnitza headers' });
        const file = opts.media?.find((m) => m.uid === decodeURIComponent(media[1]));
        if (!file) return send(res, 404, { error: 'no such file' });
        if (file.status) return send(res, file.status, { error: `injected ${file.status}` });
        res.writeHead(200, { 'Content-Type': 'text/csv' });
        return res.end(file.content);
      }

      if (req.method === 'POST' && url.pathname === '/api/request_token') {
        const form = new URLSearchParams(text);
        if (opts.login && form.get('login') === opts.login.username && form.get('password') === opts.login.password) {
          loginToken = 'session-token-0123456789';
          accepted.add(loginToken);
          return send(res, 200, { token: loginToken });
        }
        return send(res, 401, { error: 'Invalid credentials' });
      }
      if (!presented || !accepted.has(presented)) return send(res, 401, { error: 'Authentication failed' });

      const { pathname } = url;
      if (req.method === 'GET' && pathname === '/api/v2/mappings') {
        if (url.searchParams.get('name') === 'AuthTest') return send(res, 200, {}, opts.csrfToken ? { 'X-CSRF-Token': opts.csrfToken } : {});
        const id = url.searchParams.get('connector_id');
        if (id !== null) return send(res, 200, opts.mappings?.[id] ?? {});
        return send(res, 200, {});
      }
      if (req.method === 'POST' && pathname === '/api/v3/bulk/check_managed') {
        if (!body || typeof (body as { version?: unknown }).version !== 'string') return send(res, 400, { error: 'version expected' });
        const failure = pollFailures.shift();
        if (failure) return send(res, failure.status, { error: 'maintenance' }, failure.retryAfter ? { 'Retry-After': failure.retryAfter } : {});
        return send(res, 200, polls.shift() ?? []);
      }
      const stored = /^\/api\/v3\/auth\/oomnitza_tokens\/([^/]+)$/.exec(pathname);
      if (stored && req.method === 'GET') {
        const t = opts.storedTokens?.[decodeURIComponent(stored[1])];
        return t ? send(res, 200, { token: t }) : send(res, 404, { error: 'no such token' });
      }
      if (req.method === 'GET' && pathname === '/api/v3/settings/global_variables') return send(res, 200, opts.globalVariables ?? []);
      if (req.method === 'GET' && pathname === '/api/v3/media_storage') {
        const filter = url.searchParams.get('filter') ?? '';
        const m = /^\(creation_date gt (\d+)\) and \(created_by_type eq '([^']*)'\)$/.exec(filter);
        if (!m) return send(res, 400, { error: `bad filter ${filter}` });
        const after = Number(m[1]);
        const files = (opts.media ?? [])
          .filter((f) => f.creation_date > after && f.created_by_type === m[2] && f.created_by_id === url.searchParams.get('created_by_id'))
          .sort((a, b) => a.creation_date - b.creation_date)
          .map((f) => ({ uid: f.uid, filename: f.filename, creation_date: f.creation_date, url: `${cloud.url}/media/${encodeURIComponent(f.uid)}` }));
        return send(res, 200, files);
      }
      const secret = /^\/api\/v3\/auth\/([^/]+)\/secret$/.exec(pathname);
      if (secret && req.method === 'POST') {
        const aws = opts.awsCredentials?.[decodeURIComponent(secret[1])];
        const c = opts.credentialSecrets?.[decodeURIComponent(secret[1])];
        if (!c && !aws) return send(res, 404, { error: 'no such credential' });
        const call = body as Record<string, unknown> | undefined;
        const missing = ['url', 'http_method', 'params', 'headers', 'body'].filter((k) => !call || !(k in call));
        if (missing.length) return send(res, 400, { error: `Missing keys: ${missing.join(', ')}` });
        if (aws) {
          const params = (call!.params ?? {}) as Record<string, string>;
          const failure = aws.failActions?.[params.Action];
          if (failure) return send(res, failure, { error: `injected ${failure}` });
          let target: URL;
          try {
            target = new URL(String(call!.url));
          } catch {
            return send(res, 400, { error: 'bad url' });
          }
          for (const [k, v] of Object.entries(params)) target.searchParams.append(k, String(v));
          const scope = aws.scopeOf(target);
          if (!scope) return send(res, 400, { error: `cannot sign for ${target.host}` });
          const secretKey = aws.wrongSecret ? `${aws.secretAccessKey}x` : aws.secretAccessKey;
          const signed = sigV4Sign({ method: String(call!.http_method), url: target, body: String(call!.body ?? '') }, { accessKeyId: aws.accessKeyId, secretAccessKey: secretKey }, scope, (aws.now ?? Date.now)());
          return send(res, 200, { headers: { Authorization: signed.headers.authorization, 'X-Amz-Date': signed.headers['x-amz-date'] }, params: {} });
        }
        return send(res, 200, { headers: c!.headers ?? {}, params: c!.params ?? {} });
      }
      const credential = /^\/api\/v3\/auth\/([^/]+)$/.exec(pathname);
      if (credential && req.method === 'GET') {
        const c = opts.credentials?.[decodeURIComponent(credential[1])];
        return c ? send(res, 200, c) : send(res, 404, { error: 'no such credential' });
      }
      if (req.method === 'POST' && pathname === '/api/v3/bulk') {
        const payload = body as Record<string, unknown>;
        const missing = ENVELOPE.filter((k) => !(k in (payload ?? {})));
        if (missing.length || !Array.isArray(payload.records)) return send(res, 400, { error: `Missing keys: ${missing.join(', ')}` });
        if (opts.bulkLatencyMs) await new Promise((r) => setTimeout(r, opts.bulkLatencyMs));
        cloud.uploadCount++;
        cloud.recordCount += payload.records.length;
        if (!opts.countOnly) cloud.uploads.push(payload);
        const portion = String(payload.portion);
        uploadsByPortion.set(portion, (uploadsByPortion.get(portion) ?? 0) + 1);
        if (cloud.cancelAfterUploads !== undefined && uploadsByPortion.get(portion)! >= cloud.cancelAfterUploads) cloud.canceled.add(portion);
        return send(res, 200, { status: 'ok' });
      }
      const finalize = /^\/api\/v3\/bulk\/([^/]+)\/finalize$/.exec(pathname);
      if (finalize && req.method === 'POST') {
        cloud.finalized.push(decodeURIComponent(finalize[1]));
        return send(res, 200, {});
      }
      const ready = /^\/api\/v3\/bulk\/([^/]+)\/add_ready_portion$/.exec(pathname);
      if (ready && req.method === 'POST') {
        cloud.readyPortions.push([decodeURIComponent(ready[1]), body as Record<string, unknown>]);
        return send(res, 200, {});
      }
      const portion = /^\/api\/v3\/bulk\/([^/]+)$/.exec(pathname);
      if (portion && req.method === 'GET') return send(res, 200, { canceled: cloud.canceled.has(decodeURIComponent(portion[1])) });
      return send(res, 404, { error: `no route ${req.method} ${pathname}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cloud.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return cloud;
}
