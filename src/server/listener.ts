/**
 * The HTTP side of the webhook server. The last path segment names the section (`/anything/casper.MDM`), as in
 * the original. Answers are decided here, quickly; the work happens in the queue:
 * 204 accepted (or ignored: an event the section does not handle), 400 not a webhook of the section's source,
 * 401 not authenticated for the section (or no such section: until a client is authenticated, an unknown section
 * and a known one look the same, so the server does not say which sections exist), 405 not a POST, 413 body over
 * the limit, 503 queue full or shutting down.
 * Nothing a client sends reaches the log raw (logText.ts), and lines caused by requests are rate limited
 * (throttledLog.ts). Connections are capped and idle ones closed (serve.ts sets the limits).
 */
import http from 'node:http';
import type { Logger } from '../logging.js';
import type { WebhookEvent } from '../sources/types.js';
import type { SectionGuard } from './auth.js';
import { escapeForLog, quoteForLog } from './logText.js';
import type { ThrottledLog } from './throttledLog.js';

export type WebhookOutcome = 'queued' | 'coalesced' | 'ignored' | 'full' | 'closed';

/** What the listener needs of a served section: who may call it, and how its source reads a body. */
export interface ListenedSection {
  guard: SectionGuard;
  /** The source's WebhookDescriptor.parse; never throws. */
  parse(body: string): WebhookEvent;
}

/** Bounds on what clients hold open: every one of them a `serve` flag (README, "Limits"). */
export interface ConnectionLimits {
  /** Open client connections at most; beyond it new ones are closed at once, so file descriptors remain for Jamf and Oomnitza. */
  maxConnections: number;
  /** A client must have sent its request headers this long after connecting (or after its previous request). */
  headersTimeoutMs: number;
  /** ...and the whole request, body included. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this long. */
  keepAliveTimeoutMs: number;
}

export interface ListenerOptions {
  bodyLimitBytes: number;
  limits: ConnectionLimits;
  /** Served sections by name. */
  sections: ReadonlyMap<string, ListenedSection>;
  onWebhook(section: string, webhook: Exclude<WebhookEvent, { kind: 'invalid' }>): WebhookOutcome;
  /** The /healthz body; `visible` says which sections' counters this client may see (those it could post to). */
  health(visible: (section: string) => boolean): Record<string, unknown>;
  log: Logger;
  /** Where lines caused by requests go, rate limited. */
  requestLog: ThrottledLog;
}

/** Seconds Jamf (or any client) should wait before retrying a 503. */
const RETRY_AFTER_S = '5';

function reply(res: http.ServerResponse, status: number, body?: string | object, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = body === undefined ? '' : typeof body === 'string' ? `${body}\n` : JSON.stringify(body);
  const type = typeof body === 'object' ? 'application/json' : 'text/plain; charset=utf-8';
  res.writeHead(status, status === 204 ? headers : { 'Content-Type': type, 'Content-Length': String(Buffer.byteLength(text)), ...headers });
  res.end(status === 204 ? undefined : text);
}

/** Reads the body up to `limit` bytes; resolves undefined (after answering 413) when it is larger. */
function readBody(req: http.IncomingMessage, res: http.ServerResponse, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
        // Stop reading: answer now and close, rather than swallowing the rest of an oversized upload.
        reply(res, 413, `request body exceeds ${limit} bytes`, { Connection: 'close' });
        res.once('finish', () => req.destroy());
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    let ended = false;
    req.on('end', () => {
      ended = true;
      if (!tooLarge) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    // A client that hangs up mid-body gets no answer; the request is simply dropped.
    req.on('close', () => {
      if (!ended && !tooLarge) resolve(undefined);
    });
    req.on('error', reject);
  });
}

/** How often Node looks for requests over their time limits: often enough that a short limit is kept. */
function checkingInterval(limits: ConnectionLimits): number {
  return Math.max(10, Math.min(1_000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4)));
}

export function createListener(opts: ListenerOptions): http.Server {
  const { log, requestLog, limits } = opts;
  // One answer for every request not (yet) authenticated for a section, whether the section exists or not. The
  // Basic challenge is the same for all paths too: it depends on whether any section accepts Basic, not on this one.
  const basicChallenge = [...opts.sections.values()].some((s) => s.guard.acceptsBasic);
  const refuse = (res: http.ServerResponse) => reply(res, 401, 'authentication required', {
    Connection: 'close',
    ...(basicChallenge ? { 'WWW-Authenticate': 'Basic realm="connector"' } : {}),
  });
  const served = [...opts.sections.keys()].map((n) => `/${n}`).join(', ');

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const from = req.socket.remoteAddress ?? 'unknown';
    if (url.pathname === '/healthz') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'use GET', { Allow: 'GET, HEAD' });
      return reply(res, 200, opts.health((name) => opts.sections.get(name)?.guard.check(req, url).ok === true));
    }
    const segment = url.pathname.split('/').pop() ?? '';
    let section: string | undefined;
    try {
      section = decodeURIComponent(segment);
    } catch {
      section = undefined;
    }
    const target = section === undefined ? undefined : opts.sections.get(section);
    if (!target || section === undefined) {
      requestLog.write('warn', 'unknown section', () => `request from ${from} for ${quoteForLog(section ?? segment)} refused (401): ` +
        `not a section served here (served: ${served}); the last path segment names the section`);
      return refuse(res);
    }

    const auth = target.guard.check(req, url);
    if (!auth.ok) {
      requestLog.write('warn', `${section}\u0000${auth.kind}`, () => `[${section}] webhook from ${from} refused: ${auth.reason}`);
      return refuse(res);
    }
    if (req.method !== 'POST') return reply(res, 405, 'webhooks are POST requests', { Allow: 'POST' });
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > opts.bodyLimitBytes) {
      return reply(res, 413, `request body exceeds ${opts.bodyLimitBytes} bytes`, { Connection: 'close' });
    }
    const body = await readBody(req, res, opts.bodyLimitBytes);
    if (body === undefined) return;

    const webhook = target.parse(body);
    if (webhook.kind === 'invalid') {
      requestLog.write('warn', `${section}\u0000invalid`, () => `[${section}] bad webhook request from ${from}: ${escapeForLog(webhook.reason, 200)}`);
      return reply(res, 400, webhook.reason);
    }
    const outcome = opts.onWebhook(section, webhook);
    if (outcome === 'full' || outcome === 'closed') {
      return reply(res, 503, outcome === 'full' ? 'queue full, retry later' : 'shutting down', { 'Retry-After': RETRY_AFTER_S });
    }
    return reply(res, 204);
  }

  const server = http.createServer({ connectionsCheckingInterval: checkingInterval(limits) }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      requestLog.write('error', 'internal', () => `webhook request failed: ${escapeForLog(err instanceof Error ? err.message : String(err))}`);
      reply(res, 500, 'internal error');
    });
  });
  // Slow, stalled or idle clients must not hold sockets open (the original had no limits): past maxConnections
  // Node closes new connections at once, and the timeouts free the ones held idle.
  server.maxConnections = limits.maxConnections;
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.on('drop', (data?: { remoteAddress?: string }) => {
    requestLog.write('warn', 'connection limit', () => `${limits.maxConnections} connections are open (--max-connections): ` +
      `closed a new one from ${data?.remoteAddress ?? 'unknown'} at once; idle ones close after --headers-timeout / --keep-alive-timeout`);
  });
  log.debug(`connection limits: ${JSON.stringify(limits)}`);
  return server;
}
