/**
 * Most vendors post webhooks as JSON naming the event and the record's id at fixed paths. A source declares those
 * paths and gets the `parse` of its WebhookDescriptor from here: which event (and so which kind of record), which
 * id, and a reason for anything else. Ids are positive whole numbers (Jamf) or non-empty strings without path
 * characters, since they go into a detail URL.
 */
import { getPath } from '../records.js';
import type { WebhookEvent } from './types.js';

export interface JsonWebhookSpec {
  /** Who sends them, for the reason of an invalid body: "Jamf Pro". */
  sender: string;
  /** Path of the event name: `webhook.webhookEvent`. */
  eventAt: string;
  /** Path of the object that names the record: `event`. */
  recordAt: string;
  /** Paths inside it where the id may be, in order (vendors nest it for some events). */
  idAt: readonly string[];
  /** The events handled, each with the kind of record it names. */
  events: Readonly<Record<string, string>>;
  ids: 'positive-integer' | 'string';
  /** What to check when the body is not JSON, e.g. "set the Jamf webhook's content type to JSON". */
  notJsonHint: string;
}

export function jsonWebhookParser(spec: JsonWebhookSpec): (body: string) => WebhookEvent {
  return (body) => {
    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch (err) {
      return { kind: 'invalid', reason: `the body is not JSON (${(err as Error).message}); ${spec.notJsonHint}` };
    }
    const event = getPath(payload, spec.eventAt);
    if (!isObject(payload) || typeof event !== 'string') return { kind: 'invalid', reason: `not a ${spec.sender} webhook: "${spec.eventAt}" is missing` };
    const recordKind = Object.hasOwn(spec.events, event) ? spec.events[event] : undefined;
    if (!recordKind) return { kind: 'unsupported', event };
    const record = getPath(payload, spec.recordAt);
    if (!isObject(record)) return { kind: 'invalid', reason: `${event}: "${spec.recordAt}" is missing` };
    for (const path of spec.idAt) {
      const id = spec.ids === 'positive-integer' ? positiveInteger(getPath(record, path)) : safeString(getPath(record, path));
      if (id !== undefined) return { kind: 'record', event, recordKind, id };
    }
    const what = spec.ids === 'positive-integer' ? 'a positive whole number' : 'an id';
    return { kind: 'invalid', reason: `${event}: "${spec.recordAt}.${spec.idAt[0]}" is missing or not ${what}` };
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Jamf sends a number; a numeric string is accepted too. */
function positiveInteger(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

function safeString(value: unknown): string | undefined {
  const s = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  return typeof s === 'string' && /^[\w.:@-]{1,200}$/.test(s) ? s : undefined;
}
