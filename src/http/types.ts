/**
 * The shared HTTP toolkit's public surface. Every HTTP source and the Oomnitza client use it,
 * so that TLS, proxies, retries, pagination and error texts behave the same everywhere.
 */
import type { Logger } from 'winston';

/** TLS settings from the common section settings. */
export interface TlsSettings {
  /** verify_ssl; false accepts self-signed certificates. */
  verify: boolean;
  /** cacert_file: PEM bundle of extra trusted CAs. */
  caFile?: string;
  /** cacert_dir: a folder of PEM CA files (*.pem, *.crt), as OpenLDAP's TLS_CACERTDIR. */
  caDir?: string;
  /** ssl_protocol as written in the INI ('', 'tls1', 'tls1.2', ...). */
  protocol?: string;
  /** PEM file holding a client certificate and its private key (Oomnitza's user_pem_file). */
  clientPemFile?: string;
}

export interface RetryPolicy {
  /** Attempts after the first one. Default 5. */
  retries: number;
  /** First backoff delay; doubles each attempt with full jitter. Default 500 ms. */
  baseDelayMs: number;
  /** Cap for one delay, including a server's Retry-After. Default 60 s. */
  maxDelayMs: number;
}

export interface HttpClientOptions {
  /** Section name, used in every error message. */
  section: string;
  tls: TlsSettings;
  log?: Logger;
  /** Per request: connect + headers + body. Default 60 s. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** Adds authentication to each request (token header, Basic, OAuth2). */
  auth?: AuthProvider;
  /** Max sockets per origin; default 16. */
  connections?: number;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  /** Sent as JSON with Content-Type application/json. */
  json?: unknown;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  /** Raw body. */
  body?: string | Buffer;
  /** Statuses that are returned instead of thrown (e.g. [404] to probe). */
  acceptStatus?: number[];
  /** Overrides the client's retry policy for this request (e.g. { retries: 0 }). */
  retry?: Partial<RetryPolicy>;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Body as text (already read). */
  text: string;
  json<T = unknown>(): T;
}

export interface AuthProvider {
  /** Returns headers to add to the request; may fetch and cache a token. */
  headers(client: HttpClientLike): Promise<Record<string, string>>;
  /** Called after a 401: drop cached tokens so the next headers() call fetches a new one. Returns true to retry once. */
  invalidate?(): boolean;
}

export interface HttpClientLike {
  request(method: string, url: string, opts?: RequestOptions): Promise<HttpResponse>;
}
