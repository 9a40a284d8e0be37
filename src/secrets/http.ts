/**
 * The few HTTP calls Vault and Conjur need, on the shared HTTP toolkit (src/http/client.ts) so that proxies
 * (HTTPS_PROXY/NO_PROXY), TLS options and retries behave as for every other connection. Statuses the stores
 * interpret themselves (403, 404, a sealed Vault's 503, ...) come back as responses; connection failures,
 * 429 and other 5xx are retried briefly (a secret read happens once at start-up: a clear error beats a long wait).
 */
import { ConfigError } from '../errors.js';
import { HttpClient } from '../http/client.js';
import { getLogger } from '../logging.js';
import { SecretStoreError } from './writable.js';

export interface TlsOptions {
  verify: boolean;
  caFile?: string;
}

export interface SimpleResponse {
  status: number;
  text: string;
}

/** Everything but 429 and the 5xx that mean "try again" (502, 504) is handed to the store to interpret. */
const INTERPRETED = Array.from({ length: 200 }, (_, i) => 400 + i).filter((s) => s !== 429 && s !== 502 && s !== 504);

export class SecretHttp {
  private readonly client: HttpClient;

  constructor(
    private readonly service: string,
    tls: TlsOptions,
    timeoutMs = 10_000,
  ) {
    try {
      this.client = new HttpClient({
        section: service,
        tls: { verify: tls.verify, caFile: tls.caFile },
        log: getLogger(`secrets/${service}`),
        timeoutMs,
        retry: { retries: 2, baseDelayMs: 250, maxDelayMs: 2000 },
        connections: 4,
      });
    } catch (err) {
      if (err instanceof ConfigError) throw new SecretStoreError('config', err.message, { cause: err });
      throw err;
    }
  }

  async send(method: 'GET' | 'POST', url: string, headers: Record<string, string>, body?: string): Promise<SimpleResponse> {
    try {
      const res = await this.client.request(method, url, { headers, body, acceptStatus: INTERPRETED });
      return { status: res.status, text: res.text };
    } catch (err) {
      const message = (err as Error).message;
      if (/TLS|certificate/i.test(message) && (err as { status?: number }).status === undefined) {
        throw new SecretStoreError(
          'config',
          `TLS verification of ${this.service} at ${origin(url)} failed (${message}); set cacert_file to its CA, or verify_ssl = False`,
          { cause: err },
        );
      }
      throw new SecretStoreError('unavailable', `cannot reach ${this.service} at ${origin(url)} (${message})`, { cause: err });
    }
  }

  async close(): Promise<void> {
    await this.client.close();
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
