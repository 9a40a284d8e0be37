/**
 * One record numbering everywhere: a record's number is its place in the section's read order (1-based, the order
 * the source yielded it), given when it enters the pipeline and carried with it through filter, converters,
 * batching and push. Skips, converter failures and failed pushes all name a record the same way, by its
 * sync_field values (what an admin searches for in Oomnitza and in the source) plus that number and, when the
 * source knows it, where it was read (`file.csv:12`):
 *
 *   SERIAL_NUMBER="C02XK1" (record #5, /data/assets.csv:6)
 *   record #5                                   (no sync_field value, no origin)
 *   3 records from SERIAL_NUMBER="S1" (record #1) to SERIAL_NUMBER="S4" (record #4)
 */
import { redactor } from '../logging.js';
import { escapeForLog, quoteForLog } from '../logText.js';
import { recordOrigin } from '../recordOrigin.js';
import type { RawRecord } from '../records.js';

/** A record's place in the read order, and where the source read it. */
export interface RecordRef {
  /** 1-based, in the order the source yielded records. */
  n: number;
  /** `file:line` for CSV; undefined when the source does not say. */
  origin?: string;
}

/** A mapped record on its way to Oomnitza, with its place in the read order. */
export interface NumberedPayload {
  payload: Record<string, unknown>;
  ref: RecordRef;
}

/** Longest sync_field value shown in a name; a serial number or e-mail address fits easily. */
const MAX_VALUE = 60;

export function refOf(record: RawRecord, n: number): RecordRef {
  const origin = recordOrigin(record);
  return origin === undefined ? { n } : { n, origin };
}

function isBlank(v: unknown): boolean {
  return v === null || v === undefined || v === '';
}

/**
 * A value from the source, safe to put in a log line: secrets redacted first (before escaping changes their
 * form), then quoted or escaped, control characters escaped, length capped.
 */
function showValue(v: unknown): string {
  if (typeof v === 'string') return quoteForLog(redactor.redact(v), MAX_VALUE);
  let text: string;
  try {
    text = JSON.stringify(v) ?? String(v);
  } catch {
    text = String(v);
  }
  return escapeForLog(redactor.redact(text), MAX_VALUE);
}

/** `SERIAL_NUMBER="S1" (record #5, /data/assets.csv:6)`; without sync_field values `record #5 (/data/assets.csv:6)`. */
export function recordName(payload: Record<string, unknown> | undefined, syncFields: readonly string[], ref: RecordRef): string {
  const origin = ref.origin === undefined ? undefined : escapeForLog(redactor.redact(ref.origin));
  const values = payload ? syncFields.filter((f) => Object.hasOwn(payload, f) && !isBlank(payload[f])).map((f) => `${f}=${showValue(payload[f])}`) : [];
  if (values.length) return `${values.join(' ')} (record #${ref.n}${origin ? `, ${origin}` : ''})`;
  return origin ? `record #${ref.n} (${origin})` : `record #${ref.n}`;
}

/** One record by its name; several by their count and the first and last (in read order) of them. */
export function batchName(batch: readonly NumberedPayload[], syncFields: readonly string[]): string {
  const name = (r: NumberedPayload) => recordName(r.payload, syncFields, r.ref);
  if (batch.length === 1) return name(batch[0]);
  return `${batch.length} records from ${name(batch[0])} to ${name(batch[batch.length - 1])}`;
}
