/**
 * Where a source found a record (`/data/assets.csv:12`), for the summary: an admin who reads "record #11 failed"
 * must be able to open the export at the right line. The origin rides on the raw record as a hidden property (a
 * non-enumerable symbol), so it never becomes a field: mappings, filters, the sandbox, --save-data files and
 * payloads see only the record's own keys. Leaf module: sources set it, the pipeline reads it.
 */
import type { RawRecord } from './records.js';

const ORIGIN = Symbol('connector.recordOrigin');

/** Marks `record` as read at `origin` (e.g. `file:line`); returns the record. */
export function withRecordOrigin<T extends RawRecord>(record: T, origin: string): T {
  Object.defineProperty(record, ORIGIN, { value: origin, enumerable: false, configurable: true });
  return record;
}

/** The origin a source set on `record`, if any. */
export function recordOrigin(record: unknown): string | undefined {
  if (record === null || typeof record !== 'object') return undefined;
  const origin = (record as { [ORIGIN]?: unknown })[ORIGIN];
  return typeof origin === 'string' ? origin : undefined;
}
