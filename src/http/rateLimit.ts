/**
 * Reading a server's rate-limit answer: how long to wait before the next request. Used by HttpClient for
 * 429s (waited out as the server asks) and for proactive pacing on the remaining-requests header.
 * - Retry-After: seconds or an HTTP date (RFC 9110 section 10.2.3).
 * - Reset headers: Okta's X-Rate-Limit-Reset is an epoch time in seconds
 *   (https://developer.okta.com/docs/reference/rl-best-practices/); RateLimit-Reset
 *   (draft-ietf-httpapi-ratelimit-headers) and most X-RateLimit-Reset are seconds until the reset; GitHub's
 *   X-RateLimit-Reset is an epoch time. A value above 10^9 cannot be a sane delay, so it is read as an epoch.
 */
import { parseRetryAfter } from './retry.js';
import type { HttpResponse, RateLimitPolicy } from './types.js';

export const DEFAULT_RATE_LIMIT: RateLimitPolicy = {
  maxWaitMs: 5 * 60_000,
  maxWaits: 10,
  resetHeaders: ['x-rate-limit-reset', 'x-ratelimit-reset', 'ratelimit-reset'],
  remainingHeader: undefined,
  paceBelow: 0,
};

/** Above this, a reset value is an epoch time (seconds; milliseconds above 10^12), not a delay. */
const EPOCH_THRESHOLD = 1e9;

type Response = Pick<HttpResponse, 'status' | 'headers'>;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Milliseconds until the reset a reset header names, or undefined when it names none. */
export function resetDelay(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.trim());
  if (!Number.isFinite(n) || n < 0 || value.trim() === '') return undefined;
  if (n > 1e12) return Math.max(0, n - now);
  if (n > EPOCH_THRESHOLD) return Math.max(0, n * 1000 - now);
  return Math.round(n * 1000);
}

/**
 * How long the server asks us to wait: for a 429, or a 503 that carries Retry-After (a maintenance window);
 * with `anyStatus` (pacing) for any response. Undefined: the response says nothing about waiting.
 */
export function rateLimitWait(response: Response, policy: RateLimitPolicy, now: number, opts: { anyStatus?: boolean } = {}): number | undefined {
  const retryAfter = parseRetryAfter(response.headers['retry-after'], now);
  if (!opts.anyStatus) {
    if (response.status === 503 && retryAfter !== undefined) return retryAfter;
    if (response.status !== 429) return undefined;
  }
  if (retryAfter !== undefined) return retryAfter;
  for (const name of policy.resetHeaders) {
    const delay = resetDelay(first(response.headers[name.toLowerCase()]), now);
    if (delay !== undefined) return delay;
  }
  return undefined;
}

/** The remaining-requests count a response reports, e.g. X-Rate-Limit-Remaining: 3. */
export function remainingRequests(response: Response, header: string): number | undefined {
  const raw = first(response.headers[header.toLowerCase()]);
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}
