/**
 * A tiny HTTP(S) server for tests: a route table (or one handler) on 127.0.0.1, an ephemeral port, and a
 * record of every request it saw. Handlers return a TestResponse or write to `res` themselves.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Path with the query string, as sent. */
  url: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Subject CN of the client certificate, when one was presented. */
  clientCertCN?: string;
  /** Negotiated TLS version ('TLSv1.3', ...) on an HTTPS server. */
  tlsProtocol?: string;
}

export interface TestResponse {
  status?: number;
  headers?: Record<string, string | string[]>;
  /** Serialized as JSON with Content-Type application/json. */
  json?: unknown;
  body?: string;
  /** Waits before answering (timeouts). */
  delayMs?: number;
}

export type TestHandler = (
  req: RecordedRequest,
  res: http.ServerResponse,
) => TestResponse | void | Promise<TestResponse | void>;

/** "METHOD /path" -> a handler, a fixed response, or a list answered in order (the last one repeats). */
export type Routes = Record<string, TestHandler | TestResponse | Array<TestHandler | TestResponse>>;

/**
 * The requests a client has open at once, for fakes that check a source's concurrency. A request counts from when its
 * handler starts until the handler has answered or the client has gone: one the client aborted (a page prefetched past
 * the last one is cancelled) is no longer its request, even while the handler still runs, and the slot the client
 * freed may already carry its next request (counting the handler's whole run saw 5 of a limit of 4, now and then).
 */
export class InFlightCounter {
  now = 0;
  max = 0;

  /** Counts a request; the returned function (also called when the client closes the request) ends it, once. */
  enter(res: http.ServerResponse): () => void {
    this.max = Math.max(this.max, ++this.now);
    let open = true;
    const leave = () => {
      if (!open) return;
      open = false;
      this.now--;
    };
    res.once('close', leave);
    return leave;
  }
}

export interface TestServerOptions {
  /** Serve HTTPS; extra fields (requestCert, ca, maxVersion, ...) go to https.createServer. */
  tls?: https.ServerOptions & { key: string | Buffer; cert: string | Buffer };
}

export interface TestServer {
  /** e.g. http://127.0.0.1:43121 (no trailing slash). */
  url: string;
  port: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startTestServer(handlerOrRoutes: TestHandler | Routes, options: TestServerOptions = {}): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const calls = new Map<string, number>();
  const pick = (req: RecordedRequest): TestHandler | TestResponse | undefined => {
    if (typeof handlerOrRoutes === 'function') return handlerOrRoutes;
    const key = `${req.method} ${req.path}`;
    const entry = handlerOrRoutes[key];
    if (!Array.isArray(entry)) return entry;
    const n = calls.get(key) ?? 0;
    calls.set(key, n + 1);
    return entry[Math.min(n, entry.length - 1)];
  };

  const listener = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const parsed = new URL(req.url ?? '/', 'http://placeholder');
    const peer = (req.socket as TLSSocket).getPeerCertificate?.();
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: parsed.pathname,
      url: req.url ?? '/',
      query: Object.fromEntries(parsed.searchParams),
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      clientCertCN: peer && typeof peer.subject?.CN === 'string' ? peer.subject.CN : undefined,
      tlsProtocol: (req.socket as TLSSocket).getProtocol?.() ?? undefined,
    };
    requests.push(recorded);
    try {
      const route = pick(recorded);
      const answer = route === undefined ? { status: 404, json: { error: `no route for ${recorded.method} ${recorded.path}` } } : typeof route === 'function' ? await route(recorded, res) : route;
      if (res.headersSent || res.writableEnded) return;
      await send(res, answer ?? {});
    } catch (err) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`test server handler failed: ${(err as Error).message}`);
    }
  };

  const server = options.tls ? https.createServer(options.tls, listener) : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function send(res: http.ServerResponse, answer: TestResponse): Promise<void> {
  if (answer.delayMs) {
    // Stop waiting when the client goes away, so a closed server leaves no timer behind.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, answer.delayMs);
      res.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  if (res.destroyed) return;
  const headers: Record<string, string | string[]> = { ...answer.headers };
  let body = answer.body ?? '';
  if (answer.json !== undefined) {
    body = JSON.stringify(answer.json);
    headers['content-type'] ??= 'application/json';
  }
  res.writeHead(answer.status ?? 200, headers);
  res.end(body);
}

export interface SelfSignedCert {
  certFile: string;
  keyFile: string;
  /** Certificate and key in one file (the user_pem_file format). */
  pemFile: string;
  cert: string;
  key: string;
}

/** A fresh self-signed certificate (valid for IP 127.0.0.1 and DNS localhost) made by the openssl CLI. */
export function makeSelfSignedCert(dir: string, cn = '127.0.0.1'): SelfSignedCert {
  fs.mkdirSync(dir, { recursive: true });
  const base = path.join(dir, cn.replace(/[^A-Za-z0-9.-]/g, '_'));
  const certFile = `${base}.crt`;
  const keyFile = `${base}.key`;
  const pemFile = `${base}.pem`;
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2', '-subj', `/CN=${cn}`,
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', keyFile, '-out', certFile],
    { stdio: 'pipe' },
  );
  const cert = fs.readFileSync(certFile, 'utf8');
  const key = fs.readFileSync(keyFile, 'utf8');
  fs.writeFileSync(pemFile, cert + key);
  return { certFile, keyFile, pemFile, cert, key };
}
