/**
 * A Chef Infra Server test server for `[chef]`: the organization's node search, authenticated as the server does
 * (mixlib-authentication; https://docs.chef.io/server/api_chef_server/):
 * - every request needs X-Ops-Sign, X-Ops-UserId, X-Ops-Timestamp, X-Ops-Content-Hash and X-Ops-Authorization-1..N;
 *   the server rebuilds the canonical request from what it received (method, path, body hash, time, user id) and
 *   checks the signature with the client's PUBLIC key: version 1.0 by RSA public-decrypt of the signature (it must
 *   give the canonical request byte for byte), version 1.3 by RSA-SHA256 verification. An unknown client, a bad
 *   signature, a body whose hash differs or a time more than 15 minutes off answer 401 with Chef's
 *   `{"error": ["Failed to authenticate as '<client>'. ..."]}`; X-Chef-Version is required (400 without), and
 *   `Accept: application/json` (406 without).
 * - GET /organizations/{org}/search/node?q=...&rows=N&start=M answers {total, start, rows: [<node objects>]};
 *   rows and start must be whole numbers (400 otherwise); another organization is 404.
 */
import { constants, createHash, publicDecrypt, verify, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeChefOptions {
  org?: string;
  client?: string;
  /** The client's public key. */
  publicKey: KeyObject;
  nodes?: number;
  /** Versions of the signing protocol accepted (a FIPS server: only 1.3). */
  versions?: string[];
  /** The client may not read nodes (403). */
  forbidden?: boolean;
  /** The server's clock, for the 15-minute window. */
  now?: () => number;
}

export interface FakeChef {
  url: string;
  /** `url` + /organizations/{org}. */
  orgUrl: string;
  client: string;
  log: string[];
  statuses: number[];
  /** The X-Ops-Sign header of every request. */
  signs: string[];
  node(i: number): Record<string, unknown>;
  /** After `skip` more searches, the next `times` answer 429 with Retry-After. */
  throttle(times: number, retryAfter: string, skip?: number): void;
  close(): Promise<void>;
}

const b64 = (data: string | Buffer, alg: 'sha1' | 'sha256') => createHash(alg).update(data).digest('base64');
const canonicalPath = (p: string) => {
  const c = p.replace(/\/+/g, '/');
  return c.length > 1 ? c.replace(/\/+$/, '') : c;
};

/** Node i: linux, mac_os_x or windows in turn, with the attributes ohai reports on each. */
export function makeNode(i: number): Record<string, unknown> {
  const platform = ['ubuntu', 'mac_os_x', 'windows'][i % 3];
  const base = { ipaddress: `10.0.0.${i}`, macaddress: `52:54:00:00:00:${String(i).padStart(2, '0')}`, hostname: `node${i}`, fqdn: `node${i}.example.com`, domain: 'example.com', platform, uptime_seconds: 1000 * i };
  const automatic: Record<string, unknown> =
    platform === 'ubuntu'
      ? { ...base, platform_version: '22.04', memory: { total: '16000000kB' }, cpu: { 0: { model_name: 'Intel Xeon' }, total: 4 }, filesystem: { by_mountpoint: { '/': { kb_size: '102400000', mount: '/' } } }, dmi: { system: { serial_number: `VMW-${i}` } } }
      : platform === 'mac_os_x'
        ? { ...base, platform_version: '14.5', memory: { total: '16384MB' }, cpu: { model_name: 'Apple M2', total: 8 }, hardware: { serial_number: `C02X${i}`, machine_model: 'Mac14,2', number_processors: 8 }, filesystem: { by_mountpoint: { '/': { kb_size: '494384795' } } } }
        : { ...base, platform_version: '10.0.22631', memory: { total: '33554432kB' }, cpu: { 0: { model_name: 'Intel Core i7' }, total: 8 }, kernel: { cs_info: { model: 'Latitude 7440', number_of_processors: 1 }, os_info: { serial_number: `00330-${i}` } }, filesystem: { 'C:': { kb_size: '249000000' }, 'D:': { kb_size: '1' } } };
  return { name: `node${i}`, chef_environment: '_default', json_class: 'Chef::Node', chef_type: 'node', automatic, normal: { tags: [] }, default: {}, override: {}, run_list: ['recipe[base]'] };
}

export async function startFakeChef(opts: FakeChefOptions): Promise<FakeChef> {
  const org = opts.org ?? 'acme';
  const client = opts.client ?? 'connector';
  const total = opts.nodes ?? 5;
  const versions = opts.versions ?? ['1.0', '1.1', '1.3'];
  const now = opts.now ?? Date.now;
  const log: string[] = [];
  const statuses: number[] = [];
  const signs: string[] = [];
  const state = { throttleLeft: 0, throttleSkip: 0, retryAfter: '1' };

  const handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    log.push(`${req.method} ${url.pathname}${url.search}`);
    const h = req.headers;
    signs.push(String(h['x-ops-sign'] ?? ''));
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      statuses.push(status);
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    };
    const refuse = (why: string) => send(401, { error: [`Failed to authenticate as '${String(h['x-ops-userid'] ?? '')}'. ${why}`] });

    if (!h['x-chef-version']) return send(400, { error: ['missing X-Chef-Version header'] });
    if (!String(h.accept ?? '').includes('application/json')) return send(406, { error: ['Must accept application/json'] });
    const missing = ['x-ops-sign', 'x-ops-userid', 'x-ops-timestamp', 'x-ops-content-hash', 'x-ops-authorization-1'].filter((k) => !h[k]);
    if (missing.length) return send(401, { error: [`missing required authentication header(s) ${missing.map((m) => `'${m}'`).join(', ')}`] });
    const sign = Object.fromEntries(String(h['x-ops-sign']).split(';').map((kv) => kv.split('=') as [string, string]));
    const version = sign.version ?? '';
    if (!versions.includes(version)) return send(400, { error: [`unsupported authentication protocol version: ${version}`] });
    const userId = String(h['x-ops-userid']);
    if (userId !== client) return refuse('Ensure that your node_name and client key are correct.');
    const stamp = String(h['x-ops-timestamp']);
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(stamp) || Math.abs(Date.parse(stamp) - now()) > 15 * 60_000) return refuse('Synchronize the clock on your host.');
    const alg = version === '1.3' ? 'sha256' : 'sha1';
    if (h['x-ops-content-hash'] !== b64(body, alg)) return refuse('Ensure that your node_name and client key are correct.');
    const signature = Buffer.from(Array.from({ length: 50 }, (_, k) => h[`x-ops-authorization-${k + 1}`]).filter(Boolean).join(''), 'base64');
    const path = canonicalPath(url.pathname);
    let good = false;
    try {
      if (version === '1.3') {
        const canonical = `Method:${req.method}\nPath:${path}\nX-Ops-Content-Hash:${h['x-ops-content-hash']}\nX-Ops-Sign:version=1.3\nX-Ops-Timestamp:${stamp}\nX-Ops-UserId:${userId}\nX-Ops-Server-API-Version:${String(h['x-ops-server-api-version'] ?? '0')}`;
        good = verify('sha256', Buffer.from(canonical), { key: opts.publicKey, padding: constants.RSA_PKCS1_PADDING }, signature);
      } else {
        const canonical = `Method:${req.method}\nHashed Path:${b64(path, 'sha1')}\nX-Ops-Content-Hash:${h['x-ops-content-hash']}\nX-Ops-Timestamp:${stamp}\nX-Ops-UserId:${userId}`;
        good = publicDecrypt({ key: opts.publicKey, padding: constants.RSA_PKCS1_PADDING }, signature).equals(Buffer.from(canonical));
      }
    } catch {
      good = false;
    }
    if (!good) return refuse('Ensure that your node_name and client key are correct.');

    const m = /^\/organizations\/([^/]+)\/search\/node$/.exec(url.pathname);
    if (!m || m[1] !== org) return send(404, { error: [`Cannot load organization ${m?.[1] ?? url.pathname}`] });
    if (opts.forbidden) return send(403, { error: ['missing read permission'] });
    const q = url.searchParams;
    for (const p of ['rows', 'start']) if (q.get(p) !== null && !/^\d+$/.test(q.get(p)!)) return send(400, { error: [`invalid ${p}: ${q.get(p)}`] });
    if (state.throttleSkip > 0) state.throttleSkip--;
    else if (state.throttleLeft > 0) {
      state.throttleLeft--;
      return send(429, { error: ['Too many requests'] }, { 'retry-after': state.retryAfter });
    }
    const start = Number(q.get('start') ?? 0);
    const rows = Number(q.get('rows') ?? 1000);
    const all = q.get('q') === 'name:*' ? Array.from({ length: total }, (_, k) => k + 1) : [];
    return send(200, { total: all.length, start, rows: all.slice(start, start + rows).map(makeNode) });
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    orgUrl: `${url}/organizations/${org}`,
    client,
    log,
    statuses,
    signs,
    node: makeNode,
    throttle(times, retryAfter, skip = 0) {
      state.throttleLeft = times;
      state.retryAfter = retryAfter;
      state.throttleSkip = skip;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
