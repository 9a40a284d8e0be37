/**
 * A Control Center terminal (a SIM) as the original's record: the `terminal` element of GetTerminalDetails turned
 * into a dictionary of its fields, typed as suds typed them from the schema (TerminalType of JasperAPI.xsd):
 * - dateTime fields are isoformat strings (the original's JSON encoder), booleans true/false, decimals and
 *   integers numbers, everything else a string; an empty or nil element is null;
 * - attributes are keys prefixed with `_`, as suds names them (`_msisdn`); `msisdn` is there too;
 * - a nested element (`rating`) is an object of its fields, typed the same way; text beside attributes is `value`.
 * A value that does not parse as its type is kept as it came.
 */
import { withRecordOrigin } from '../../recordOrigin.js';
import type { RawRecord } from '../types.js';
import { parseXsdDateTime } from './dateTime.js';

type XsdType = 'dateTime' | 'boolean' | 'decimal' | 'integer';

/** The non-string fields of TerminalType and of its `rating` element. */
const TYPES: Readonly<Record<string, XsdType>> = {
  monthToDateUsage: 'decimal',
  overageLimitReached: 'boolean',
  dateActivated: 'dateTime',
  dateAdded: 'dateTime',
  dateModified: 'dateTime',
  dateShipped: 'dateTime',
  monthToDateDataUsage: 'decimal',
  monthToDateSMSUsage: 'decimal',
  monthToDateVoiceUsage: 'decimal',
  accountId: 'integer',
  ctdSessionCount: 'integer',
  version: 'integer',
  termStartDate: 'dateTime',
  termEndDate: 'dateTime',
  totalPrimaryIncludedData: 'decimal',
  primaryDataRemaining: 'decimal',
  totalPrimaryIncludedSMS: 'decimal',
  primarySMSRemaining: 'decimal',
};

/** A terminal's ICCID as the response gives it ('' when missing). */
export function iccidOf(terminal: Record<string, unknown>): string {
  const iccid = terminal.iccid;
  return typeof iccid === 'string' ? iccid.trim() : '';
}

/** The record of one parsed `terminal` element; its origin (for the summary) is its ICCID. */
export function terminalRecord(terminal: Record<string, unknown>): RawRecord {
  const record = shape(terminal) as RawRecord;
  if (record._msisdn !== undefined && !('msisdn' in record)) record.msisdn = record._msisdn;
  const iccid = iccidOf(terminal);
  return iccid ? withRecordOrigin(record, `ICCID ${iccid}`) : record;
}

function shape(element: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(element)) {
    if (key.startsWith('@')) out[`_${key.slice(1)}`] = value;
    else if (key === '#text') out.value = value;
    else out[key] = typed(key, value);
  }
  return out;
}

function typed(key: string, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => typed(key, v));
  if (value !== null && typeof value === 'object') return shape(value as Record<string, unknown>);
  if (typeof value !== 'string') return value;
  switch (TYPES[key]) {
    case 'dateTime':
      return parseXsdDateTime(value)?.isoformat ?? value;
    case 'boolean':
      return value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;
    case 'decimal': {
      const n = /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(value.trim()) ? Number(value) : NaN;
      return Number.isFinite(n) ? n : value;
    }
    case 'integer': {
      const n = /^[+-]?\d+$/.test(value.trim()) ? Number(value) : NaN;
      return Number.isSafeInteger(n) ? n : value;
    }
    default:
      return value;
  }
}
