/**
 * Request signing: APIs that authenticate each request by a signature over the request itself, such as Chef
 * (X-Ops-* headers over method, path, body hash and time) or Canonical Landscape (an HMAC over the query).
 */
import type { AuthProvider, OutgoingRequest } from '../types.js';

/**
 * Adds a signature to `req` (headers or query parameters). It sees the request exactly as it goes on the wire:
 * final method, URL with its query, headers (lower-case names), and the encoded body. `now` is the time of this
 * attempt in ms since the epoch.
 */
export type RequestSigner = (req: OutgoingRequest, now: number) => void | Promise<void>;

export interface SignedRequestsOptions {
  /** Clock for tests. */
  now?: () => number;
  /** Whom the signature identifies, for `connector test` (e.g. `Chef client "connector"`); never a secret. */
  describe?: string;
  /** Headers the signer adds that are not secrets (a user id, a timestamp): left readable in error texts. */
  publicHeaders?: readonly string[];
}

/**
 * An AuthProvider that runs `sign` before every attempt, so a retry carries a new timestamp and a signature over
 * it. Signatures are not renewed after a 401 (there is no token to refresh), so a rejected key fails at once. The
 * signer should register its key with `redactor.add`; what it adds to a request is masked in error texts anyway.
 */
export function signedRequests(sign: RequestSigner, opts: SignedRequestsOptions = {}): AuthProvider {
  const now = opts.now ?? Date.now;
  const description = opts.describe;
  return {
    authorize: async (req) => sign(req, now()),
    ...(description ? { describe: () => description } : {}),
    ...(opts.publicHeaders ? { publicHeaders: opts.publicHeaders.map((h) => h.toLowerCase()) } : {}),
  };
}
