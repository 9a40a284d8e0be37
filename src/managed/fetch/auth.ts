/**
 * `saas_authorization` (§8.2): an object or its JSON text, checked in the original's order: a credential id, a
 * session login behaviour, static headers/params (at least one non-empty). Anything else is invalid.
 */
import { isDict } from './python.js';
import type { SaasAuthorization } from './types.js';

const INVALID = 'SaaS authorization format is invalid';

export function parseSaasAuthorization(value: unknown): SaasAuthorization {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch (err) {
      throw new Error(`${INVALID}: not JSON (${(err as Error).message})`);
    }
  }
  if (!isDict(parsed)) throw new Error(`${INVALID}: expected a JSON object`);
  if (typeof parsed.credential_id === 'string') return { kind: 'credential', credentialId: parsed.credential_id };
  if (parsed.type === 'session' && isDict(parsed.behavior)) return { kind: 'session', behavior: parsed.behavior };
  const headers = isDict(parsed.headers) ? parsed.headers : {};
  const params = isDict(parsed.params) ? parsed.params : {};
  if (Object.keys(headers).length > 0 || Object.keys(params).length > 0) {
    return { kind: 'static', headers: strings(headers), params: strings(params) };
  }
  throw new Error(`${INVALID}: expected {"headers": {...}} and/or {"params": {...}}, {"type": "session", "behavior": {...}} or {"credential_id": "..."}`);
}

/** Static values are sent verbatim; a JSON number or boolean travels as Python would print it. */
function strings(values: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) out[k] = v === null ? 'None' : v === true ? 'True' : v === false ? 'False' : typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return out;
}
