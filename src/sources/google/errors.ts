/**
 * Google's JSON error bodies, as every Google API answers them
 * (https://cloud.google.com/apis/design/errors#http_mapping, https://developers.google.com/workspace/admin/directory/v1/limits):
 *
 *   {"error": {"code": 403, "message": "Not Authorized to access this resource/api", "status": "PERMISSION_DENIED",
 *              "errors": [{"message": "...", "domain": "global", "reason": "forbidden"}],
 *              "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "SERVICE_DISABLED", ...}]}}
 *
 * The Admin SDK signals its rate limits with 403 as well as 429, told apart by `errors[].reason`.
 */
import type { HttpResponse } from '../../http/index.js';

interface GoogleErrorBody {
  error?: {
    code?: unknown;
    message?: unknown;
    status?: unknown;
    errors?: Array<{ reason?: unknown }>;
    details?: Array<{ '@type'?: unknown; reason?: unknown }>;
  };
}

/** The reasons Google gives for a rate limit on a 403 (Directory API "Limits and quotas"). */
const RATE_LIMIT_REASONS = new Set(['userRateLimitExceeded', 'rateLimitExceeded', 'quotaExceeded', 'RATE_LIMIT_EXCEEDED']);

function parse(body: string): GoogleErrorBody['error'] | undefined {
  try {
    const error = (JSON.parse(body) as GoogleErrorBody).error;
    return error && typeof error === 'object' ? error : undefined;
  } catch {
    return undefined;
  }
}

/** Every reason the body names: `errors[].reason` (older APIs), the ErrorInfo `details[].reason`, and `status`. */
export function googleErrorReasons(body: string): string[] {
  const error = parse(body);
  if (!error) return [];
  const reasons = [
    ...(Array.isArray(error.errors) ? error.errors.map((e) => e?.reason) : []),
    ...(Array.isArray(error.details) ? error.details.map((d) => d?.reason) : []),
    error.status,
  ];
  return [...new Set(reasons.filter((r): r is string => typeof r === 'string' && r !== ''))];
}

/**
 * "forbidden: Not Authorized to access this resource/api": Google's first reason and its message, for error messages
 * and for the explanations, which read the reason back (first, so that cutting a long message cannot lose it).
 * Undefined for a body that is not Google's (the kit's default reading then applies, e.g. a token endpoint's
 * error/error_description).
 */
export function googleErrorText(body: string): string | undefined {
  const error = parse(body);
  if (!error || typeof error.message !== 'string') return undefined;
  const [reason] = googleErrorReasons(body);
  return reason ? `${reason}: ${error.message}` : error.message;
}

/** A 403 that is a rate limit: retried with backoff as Google asks, instead of failing as a missing permission. */
export function isGoogleRateLimit(response: HttpResponse): boolean {
  return response.status === 403 && googleErrorReasons(response.text).some((r) => RATE_LIMIT_REASONS.has(r));
}
