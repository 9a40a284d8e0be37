/**
 * A fault-injecting Oomnitza for the chaos suite (issue 18): the bulk API of test/support/fakeOomnitza.ts, with
 * faults a real instance and the networks before it produce: 429 with Retry-After, 503, 500 with an HTML page (a
 * proxy's), connection resets, a request that never answers, slow answers, a 401 after N batches of a connector,
 * a finalize that fails. A faulted request is never accepted, so "accepted" is exact: each record the fake
 * accepted is counted by its SERIAL_NUMBER, and a record accepted twice is a duplicate the suite looks for.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault = '429' | '503' | '500-html' | 'reset' | 'hang' | 'slow';

export interface ChaosOptions {
  token: string;
  /** Fault of the n-th bulk request to arrive (1-based), whatever its batch: retries then meet the next entries. */
  faults: Record<number, Fault>;
  /** A batch holding a record with this SERIAL_NUMBER is answered 503 every time (until heal()): spooled after its retries. */
  poison?: string;
  /**
   * After this many accepted batches of the `portion`-th portion to arrive (1-based: a run's sections in order), its
   * bulk requests get 401 (until heal()).
   */
  unauthorizedAfter?: { portion: number; batches: number };
  /** Finalizing the `portion`-th portion to arrive fails with 500 (until heal()). */
  failFinalize?: number;
  slowMs?: number;
}

export interface ChaosOomnitza {
  url: string;
  /** SERIAL_NUMBER -> times accepted. */
  accepted: Map<string, number>;
  /** Records accepted per portion, in the order the portions first arrived. */
  acceptedBy: Map<string, number>;
  faultsServed: Fault[];
  hung: number;
  bulkArrivals: number;
  /** Ends every fault: the admin fixed the token, the proxy is back. */
  heal(): void;
  close(): Promise<void>;
}

export async function startChaosOomnitza(opts: ChaosOptions): Promise<ChaosOomnitza> {
  let healed = false;
  const state = {
    accepted: new Map<string, number>(),
    acceptedBy: new Map<string, number>(),
    batchesBy: new Map<string, number>(),
    faultsServed: [] as Fault[],
    hung: 0,
    bulkArrivals: 0,
  };
  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.headers.authorization2 !== opts.token) return send(res, 401, { error: 'Authentication failed' });
      if (req.method === 'GET' && url.pathname === '/api/v2/mappings') return send(res, 200, {});
      if (req.method === 'GET' && /^\/api\/v3\/bulk\/[^/]+$/.test(url.pathname)) return send(res, 200, { canceled: false });
      const finalize = /^\/api\/v3\/bulk\/([^/]+)\/finalize$/.exec(url.pathname);
      if (req.method === 'POST' && finalize) {
        if (!healed && opts.failFinalize && portionNumber(decodeURIComponent(finalize[1])) === opts.failFinalize) {
          return send(res, 500, { error: 'finalize failed' });
        }
        return send(res, 200, {});
      }
      if (req.method !== 'POST' || url.pathname !== '/api/v3/bulk') return send(res, 404, { error: 'no route' });

      const payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { records: Array<{ SERIAL_NUMBER: string }>; portion: string };
      const portion = portionNumber(payload.portion);
      const n = ++state.bulkArrivals;
      const fault = healed ? undefined : opts.faults[n];
      if (fault) state.faultsServed.push(fault);
      switch (fault) {
        case '429':
          return send(res, 429, { error: 'slow down' }, { 'Retry-After': '0' });
        case '503':
          return send(res, 503, { error: 'unavailable' });
        case '500-html':
          res.writeHead(500, { 'Content-Type': 'text/html' });
          return res.end('<html><body><h1>500 Internal Server Error</h1><p>nginx</p></body></html>');
        case 'reset':
          return req.socket.destroy();
        case 'hang':
          // Read and never answered: the client's timeout ends it (close() ends the socket).
          state.hung++;
          return;
        case 'slow':
          await new Promise((r) => setTimeout(r, opts.slowMs ?? 200));
          break;
        default:
      }
      if (!healed && opts.poison && payload.records.some((r) => r.SERIAL_NUMBER === opts.poison)) return send(res, 503, { error: 'poisoned batch' });
      const u = opts.unauthorizedAfter;
      if (!healed && u && portion === u.portion && (state.batchesBy.get(payload.portion) ?? 0) >= u.batches) {
        return send(res, 401, { error: 'token revoked' });
      }
      for (const r of payload.records) state.accepted.set(r.SERIAL_NUMBER, (state.accepted.get(r.SERIAL_NUMBER) ?? 0) + 1);
      state.acceptedBy.set(payload.portion, (state.acceptedBy.get(payload.portion) ?? 0) + payload.records.length);
      state.batchesBy.set(payload.portion, (state.batchesBy.get(payload.portion) ?? 0) + 1);
      return send(res, 200, { portion: payload.portion, accepted: payload.records.length });
    });
  });
  const portions: string[] = [];
  const portionNumber = (p: string) => (portions.includes(p) ? portions.indexOf(p) : portions.push(p) - 1) + 1;
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    ...state,
    get hung() {
      return state.hung;
    },
    get bulkArrivals() {
      return state.bulkArrivals;
    },
    heal: () => void (healed = true),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
