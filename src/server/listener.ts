/**
 * The HTTP side of the webhook server. The last path segment names the section (`/anything/casper.MDM`), as in
 * the original. Answers are decided here, quickly; the work happens in the queue:
 * 204 accepted (or ignored: an event the section does not handle), 400 not a webhook of the section's source,
 * 401/403 refused, 404 no such served section, 405 not a POST, 413 body over the limit, 503 queue full or shutting down.
 */
import http from 'node:http';
import type { Logger } from '../logging.js';
import type { WebhookEvent } from '../sources/types.js';
import type { SectionGuard } from './auth.js';

export type WebhookOutcome = 'queued' | 'coalesced' | 'ignored' | 'full' | 'closed';

/** What the listener needs of a served section: who may call it, and how its source reads a body. */
export interface ListenedSection {
  guard: SectionGuard;
  /** The source's WebhookDescriptor.parse; never throws. */
  parse(body: string): WebhookEvent;
}

export interface ListenerOptions {
  bodyLimitBytes: number;
  /** Served sections by name. */
  sections: ReadonlyMap<string, ListenedSection>;
  onWebhook(section: string, webhook: Exclude<WebhookEvent, { kind: 'invalid' }>): WebhookOutcome;
  health(): Record<string, unknown>;
  log: Logger;
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

export function createListener(opts: ListenerOptions): http.Server {
  const { log } = opts;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'use GET', { Allow: 'GET, HEAD' });
      return reply(res, 200, opts.health());
    }
    let section: string;
    try {
      section = decodeURIComponent(url.pathname.split('/').pop() ?? '');
    } catch {
      return reply(res, 404, 'no such section');
    }
    const served = opts.sections.get(section);
    if (!served) {
      log.warn(`request for "${section}" ignored: not an enabled section served here (served: ${[...opts.sections.keys()].join(', ')})`);
      return reply(res, 404, `no served section "${section}"`);
    }
    if (req.method !== 'POST') return reply(res, 405, 'webhooks are POST requests', { Allow: 'POST' });

    const auth = served.guard.check(req, url);
    if (!auth.ok) {
      log.warn(`[${section}] webhook from ${req.socket.remoteAddress ?? 'unknown'} refused: ${auth.reason}`);
      const headers: Record<string, string> = { Connection: 'close' };
      if (auth.basic) headers['WWW-Authenticate'] = `Basic realm="connector ${section}"`;
      return reply(res, auth.status, auth.status === 401 ? 'authentication required' : 'forbidden', headers);
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > opts.bodyLimitBytes) {
      return reply(res, 413, `request body exceeds ${opts.bodyLimitBytes} bytes`, { Connection: 'close' });
    }
    const body = await readBody(req, res, opts.bodyLimitBytes);
    if (body === undefined) return;

    const webhook = served.parse(body);
    if (webhook.kind === 'invalid') {
      log.warn(`[${section}] bad webhook request: ${webhook.reason}`);
      return reply(res, 400, webhook.reason);
    }
    const outcome = opts.onWebhook(section, webhook);
    if (outcome === 'full' || outcome === 'closed') {
      return reply(res, 503, outcome === 'full' ? 'queue full, retry later' : 'shutting down', { 'Retry-After': RETRY_AFTER_S });
    }
    return reply(res, 204);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log.error(`webhook request failed: ${err instanceof Error ? err.message : String(err)}`);
      reply(res, 500, 'internal error');
    });
  });
  // Slow or stalled clients must not hold sockets open (the original had no timeouts).
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  return server;
}
