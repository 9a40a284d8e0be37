/**
 * One record per delivered serial number, in the original's shape (2026.03.1 rework):
 *   { OrderHeader, OrderLineItems, Delivery, SerialNumber, Tracking, BillingInformation }
 * OrderLineItems and Delivery are the line item and the delivery without their Delivery, SerialNumbers and
 * BillingInformation lists; Tracking is the tracking entry of the same serial number ({} when none);
 * BillingInformation is the delivery's billing object when there is exactly one ({} otherwise, with a warning).
 * Unlike the original, every serial of a delivery becomes a record (it stopped after the first) and each record
 * is a new object (it yielded one dict and cleared it).
 */
import type { RawRecord } from '../types.js';

type Obj = Record<string, unknown>;
const NESTED = new Set(['Delivery', 'SerialNumbers', 'BillingInformation']);

/** SAP-style JSON writes a list of one as the object itself: accept both. */
export function asList(value: unknown): Obj[] {
  if (Array.isArray(value)) return value.filter((v): v is Obj => typeof v === 'object' && v !== null);
  return typeof value === 'object' && value !== null ? [value as Obj] : [];
}

const without = (o: Obj) => Object.fromEntries(Object.entries(o).filter(([k]) => !NESTED.has(k)));
const serialOf = (v: unknown) => (typeof v === 'string' ? v.trim() : v);
const sameSerial = (a: unknown, b: unknown) => String(a ?? '').trim() === String(b ?? '').trim();

export interface OrderRecords {
  records: RawRecord[];
  /** Line items or deliveries with no serial number yet (ordered, not shipped): nothing to sync. */
  unshipped: number;
  /** Deliveries with more than one BillingInformation (the original expects one and adds none). */
  ambiguousBilling: number;
}

export function orderRecords(order: Obj): OrderRecords {
  const out: OrderRecords = { records: [], unshipped: 0, ambiguousBilling: 0 };
  const header = asList(order.OrderHeader)[0] ?? {};
  const tracking = asList(order.Tracking);
  for (const line of asList(order.OrderLineItems)) {
    const deliveries = asList(line.Delivery);
    if (deliveries.length === 0) out.unshipped++;
    for (const delivery of deliveries) {
      const serials = asList(delivery.SerialNumbers);
      if (serials.length === 0) out.unshipped++;
      const billing = asList(delivery.BillingInformation);
      if (billing.length > 1) out.ambiguousBilling++;
      for (const entry of serials) {
        const serial = serialOf(entry.SerialNumber);
        out.records.push({
          OrderHeader: header,
          OrderLineItems: without(line),
          Delivery: without(delivery),
          SerialNumber: serial ?? '',
          Tracking: tracking.find((t) => 'SerialNumber' in t && sameSerial(t.SerialNumber, serial)) ?? {},
          BillingInformation: billing.length === 1 ? billing[0] : {},
        });
      }
    }
  }
  return out;
}
