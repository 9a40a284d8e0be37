/**
 * The few HTTP calls Vault and Conjur need. This uses undici directly rather than the shared toolkit
 * (src/http/client.ts) because that module was being written concurrently and is not there yet; the
 * surface is small (one request function) so switching later is a one-file change.
 * No retries: a secret read happens once at start-up, and a clear error beats a long wait.
 */
import fs from 'node:fs';
import { Agent, request } from 'undici';
import { SecretStoreError } from './writable.js';

export interface TlsOptions {
  verify: boolean;
  caFile?: string;
}

export interface SimpleResponse {
  status: number;
  text: string;
}

export class SecretHttp {
  private readonly agent: Agent;

  constructor(
    private readonly service: string,
    tls: TlsOptions,
    private readonly timeoutMs = 10_000,
  ) {
    let ca: string | undefined;
    if (tls.caFile) {
      try {
        ca = fs.readFileSync(tls.caFile, 'utf8');
      } catch (err) {
        throw new SecretStoreError('config', `cannot read cacert_file ${tls.caFile}: ${(err as Error).message}`);
      }
    }
    this.agent = new Agent({ connect: { rejectUnauthorized: tls.verify, ca }, connections: 4 });
  }

  async send(method: 'GET' | 'POST', url: string, headers: Record<string, string>, body?: string): Promise<SimpleResponse> {
    try {
      const res = await request(url, {
        method,
        headers,
        body,
        dispatcher: this.agent,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      return { status: res.statusCode, text: await res.body.text() };
    } catch (err) {
      const code = (err as { code?: string }).code;
      const reason = code ? `${code}: ${(err as Error).message}` : (err as Error).message;
      if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/i.test(code)) {
        throw new SecretStoreError(
          'config',
          `TLS verification of ${this.service} at ${origin(url)} failed (${reason}); set cacert_file to its CA, or verify_ssl = False`,
          { cause: err },
        );
      }
      throw new SecretStoreError('unavailable', `cannot reach ${this.service} at ${origin(url)} (${reason})`, { cause: err });
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

/** Scheme, host and port only: URLs in messages never carry credentials or query strings. */
export function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}
