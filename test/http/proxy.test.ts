import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { HttpClient } from '../../src/http/client.js';
import { makeSelfSignedCert, startTestServer, type TestServer } from '../support/httpTestServer.js';

/** A minimal forward proxy: CONNECT tunnels and absolute-URI requests, recording what it was asked for. */
async function startProxy(): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const sockets = new Set<net.Socket>();
  const proxy = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const upstream = http.request(req.url!, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    req.pipe(upstream);
  });
  proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`);
    const [host, port] = req.url!.split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => sockets.delete(s));
    }
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        proxy.closeAllConnections();
        proxy.close(() => r());
      }),
  };
}

const PROXY_VARS = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy'];
const saved = Object.fromEntries(PROXY_VARS.map((k) => [k, process.env[k]]));
const cleanup: Array<{ close(): Promise<void> }> = [];
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'http-proxy-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
beforeEach(() => {
  for (const k of PROXY_VARS) delete process.env[k];
});
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!.close();
  for (const k of PROXY_VARS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

async function setup(): Promise<{ target: TestServer; proxy: Awaited<ReturnType<typeof startProxy>> }> {
  const target = await startTestServer({ 'GET /hello': { json: { hi: 1 } } });
  const proxy = await startProxy();
  cleanup.push(target, proxy);
  return { target, proxy };
}

function client(): HttpClient {
  const c = new HttpClient({ section: 'okta', tls: { verify: true }, retry: { retries: 0 } });
  cleanup.push(c);
  return c;
}

test('HTTP_PROXY routes plain HTTP requests through the proxy', async () => {
  const { target, proxy } = await setup();
  process.env.HTTP_PROXY = proxy.url;
  expect(await client().getJson(`${target.url}/hello`)).toEqual({ hi: 1 });
  expect(proxy.seen).toHaveLength(1);
  expect(proxy.seen[0]).toMatch(new RegExp(`^(CONNECT 127\\.0\\.0\\.1:${target.port}|GET ${target.url}/hello)$`));
  expect(target.requests).toHaveLength(1);
});

test('lower-case https_proxy tunnels HTTPS with CONNECT, and TLS settings apply to the target', async () => {
  const cert = makeSelfSignedCert(dir);
  const target = await startTestServer({ 'GET /secure': { json: { ok: true } } }, { tls: { key: cert.key, cert: cert.cert } });
  const proxy = await startProxy();
  cleanup.push(target, proxy);
  process.env.https_proxy = proxy.url;
  const c = new HttpClient({ section: 'okta', tls: { verify: true, caFile: cert.certFile }, retry: { retries: 0 } });
  cleanup.push(c);
  expect(await c.getJson(`${target.url}/secure`)).toEqual({ ok: true });
  expect(proxy.seen).toEqual([`CONNECT 127.0.0.1:${target.port}`]);
});

test('NO_PROXY=127.0.0.1 bypasses the proxy', async () => {
  const { target, proxy } = await setup();
  process.env.HTTP_PROXY = proxy.url;
  process.env.NO_PROXY = 'localhost,127.0.0.1';
  expect(await client().getJson(`${target.url}/hello`)).toEqual({ hi: 1 });
  expect(proxy.seen).toEqual([]);
  expect(target.requests).toHaveLength(1);
});
