/**
 * A test Oomnitza that implements the contract in reference/oomnitza-api.md and rejects what the real one
 * rejects: a missing or wrong Authorization2 token -> 401, malformed JSON -> 400, a bulk body without the
 * required keys -> 400. It records every request so tests can assert exact payloads.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BulkRequest {
  connector_version: string;
  sync_field: string[];
  records: Record<string, unknown>[];
  portion: string;
  data_type: string;
  insert_only: boolean;
  update_only: boolean;
  error: string | null;
  connector_name: string;
}

export interface FakeOomnitzaOptions {
  token?: string;
  /** Login accepted by POST /api/request_token. */
  login?: { username: string; password: string };
  /** Server-side mappings by name: { "<source field>": "<FIELD>" | ["<FIELD>", ...] }. */
  mappings?: Record<string, Record<string, string | string[]>>;
  /** Served by GET /api/v3/locations. */
  locations?: Record<string, unknown>[];
  /**
   * Each bulk request is answered this long after it arrived (its first byte), to simulate Oomnitza's latency: the
   * time this server spends reading and parsing the body counts in it, as in a server that answers in that time.
   * (Counted from after the parse, the benches' 8 concurrent 50 KB bodies, parsed one after another on this one
   * thread, added their parse times to the latency of the ones behind them; hence also the deferred parse below.)
   */
  bulkLatencyMs?: number;
  /** After this many accepted bulk requests, every portion reads as canceled by an admin. */
  cancelAfterBulks?: number;
  /** Keep only counts, not bodies (benchmarks). */
  countOnly?: boolean;
  /** With `login`: each login issues its own session token, which ends after this many accepted bulk requests. */
  sessionBulks?: number;
  /**
   * Server-side validation: a bulk request holding a record whose `field` is one of `values` is refused whole
   * (`status`, default 400), naming the first such record, as Oomnitza refuses a batch with an invalid record.
   */
  rejectRecords?: { field: string; values: unknown[]; status?: number };
  /**
   * An Oomnitza that accepts the connection and never answers: after this many accepted bulk requests, every further
   * bulk request is read (and logged) but gets no response, until the client gives up or the fake closes.
   */
  stallBulksAfter?: number;
}

export interface FakeOomnitza {
  url: string;
  token: string;
  bulkRequests: BulkRequest[];
  /** Every request line received, e.g. "GET /api/v2/mappings?name=AuthTest". */
  log: string[];
  /** Session tokens issued by POST /api/request_token (with `sessionBulks`). */
  logins: number;
  finalized: string[];
  recordCount: number;
  /** Bulk requests read and left unanswered (`stallBulksAfter`). */
  stalledBulks: number;
  canceled: Set<string>;
  /** The next `count` bulk requests answer `status` (with Retry-After when given). */
  failBulk(status: number, count?: number, retryAfter?: string): void;
  /** Records of all accepted bulk requests, optionally for one connector_name. */
  records(connectorName?: string): Record<string, unknown>[];
  close(): Promise<void>;
}

const BULK_KEYS = ['connector_version', 'sync_field', 'records', 'portion', 'data_type', 'insert_only', 'update_only', 'error', 'connector_name'];

export async function startFakeOomnitza(opts: FakeOomnitzaOptions = {}): Promise<FakeOomnitza> {
  const token = opts.token ?? 'test-token-0123456789';
  const failures: Array<{ status: number; retryAfter?: string }> = [];
  const state = {
    bulkRequests: [] as BulkRequest[],
    log: [] as string[],
    finalized: [] as string[],
    recordCount: 0,
    bulkCount: 0,
    canceled: new Set<string>(),
    logins: 0,
    stalledBulks: 0,
  };
  const sessions = new Map<string, number>();

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const server = http.createServer((req, res) => {
    const arrived = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = Buffer.concat(chunks).toString('utf8');
      if (!opts.countOnly) state.log.push(`${req.method} ${url.pathname}${url.search}`);

      if (req.method === 'POST' && url.pathname === '/api/request_token') {
        const form = new URLSearchParams(body);
        if (!req.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) return send(res, 400, { error: 'form body expected' });
        if (opts.login && form.get('login') === opts.login.username && form.get('password') === opts.login.password) {
          if (opts.sessionBulks === undefined) return send(res, 200, { token });
          const session = `session-${++state.logins}-0123456789`;
          sessions.set(session, 0);
          return send(res, 200, { token: session });
        }
        return send(res, 401, { error: 'Invalid credentials' });
      }

      const presented = String(req.headers.authorization2 ?? '');
      if (presented !== token && !sessions.has(presented)) return send(res, 401, { error: 'Authentication failed' });

      if (req.method === 'GET' && url.pathname === '/api/v2/mappings') {
        const name = url.searchParams.get('name') ?? '';
        return send(res, 200, opts.mappings?.[name] ?? {});
      }

      if (req.method === 'GET' && url.pathname === '/api/v3/locations') return send(res, 200, opts.locations ?? []);

      if (req.method === 'POST' && url.pathname === '/api/v3/bulk') {
        // With a latency, the body is parsed after this turn of the event loop: the requests that arrived in the same
        // turn (a pool's batches come together) get their arrival time first, instead of after the others' parses.
        if (opts.bulkLatencyMs) await new Promise((r) => setImmediate(r));
        let payload: BulkRequest;
        try {
          payload = JSON.parse(body) as BulkRequest;
        } catch {
          return send(res, 400, { error: 'Malformed JSON' });
        }
        const missing = BULK_KEYS.filter((k) => !(k in payload));
        if (missing.length || !Array.isArray(payload.records)) return send(res, 400, { error: `Missing keys: ${missing.join(', ')}` });
        if (!['assets', 'users'].includes(payload.data_type)) return send(res, 400, { error: `Unknown data_type ${payload.data_type}` });
        if (opts.stallBulksAfter !== undefined && state.bulkCount >= opts.stallBulksAfter) {
          // Never answered: the socket stays open until the client aborts it or close() ends every connection.
          state.stalledBulks++;
          return;
        }
        const wait = (opts.bulkLatencyMs ?? 0) - (performance.now() - arrived);
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const failure = failures.shift();
        if (failure) {
          return send(res, failure.status, { error: `Injected failure ${failure.status}` }, failure.retryAfter ? { 'Retry-After': failure.retryAfter } : {});
        }
        const reject = opts.rejectRecords;
        const invalid = reject ? payload.records.findIndex((r) => r && reject.values.includes(r[reject.field])) : -1;
        if (reject && invalid >= 0) {
          return send(res, reject.status ?? 400, { error: `records[${invalid}]: invalid ${reject.field} ${JSON.stringify(payload.records[invalid][reject.field])}` });
        }
        state.recordCount += payload.records.length;
        state.bulkCount++;
        if (sessions.has(presented)) {
          const used = sessions.get(presented)! + 1;
          if (used >= (opts.sessionBulks ?? Infinity)) sessions.delete(presented);
          else sessions.set(presented, used);
        }
        if (!opts.countOnly) state.bulkRequests.push(payload);
        return send(res, 200, { portion: payload.portion, accepted: payload.records.length });
      }

      const finalize = /^\/api\/v3\/bulk\/([^/]+)\/finalize$/.exec(url.pathname);
      if (req.method === 'POST' && finalize) {
        state.finalized.push(decodeURIComponent(finalize[1]));
        return send(res, 200, {});
      }
      const portion = /^\/api\/v3\/bulk\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'GET' && portion) {
        const byAdmin = opts.cancelAfterBulks !== undefined && state.bulkCount >= opts.cancelAfterBulks;
        return send(res, 200, { canceled: byAdmin || state.canceled.has(decodeURIComponent(portion[1])) });
      }
      send(res, 404, { error: `No route ${req.method} ${url.pathname}` });
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    ...state,
    get bulkRequests() {
      return state.bulkRequests;
    },
    get recordCount() {
      return state.recordCount;
    },
    get logins() {
      return state.logins;
    },
    get stalledBulks() {
      return state.stalledBulks;
    },
    failBulk(status, count = 1, retryAfter) {
      for (let i = 0; i < count; i++) failures.push({ status, retryAfter });
    },
    records(connectorName) {
      return state.bulkRequests.filter((b) => !connectorName || b.connector_name === connectorName).flatMap((b) => b.records);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
