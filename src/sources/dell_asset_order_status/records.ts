/**
 * One record per service tag, in the original's shape: the purchase order's fields (without dellOrders), the Dell
 * order's (without productInfo, trackingInformation, shipToInformation, purchaseOrderLines), the product's (without
 * serviceTags), `serialnumber` (lower case, as the original) and the order's `shipToInformation`.
 * Unlike the original, each record is built afresh (it reused one dict, so keys of an earlier order or product
 * leaked into later records of the same purchase order) and a service tag of an order without shipToInformation
 * is a record too (the original dropped it silently).
 */
import type { RawRecord } from '../types.js';

type Obj = Record<string, unknown>;
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter((x): x is Obj => typeof x === 'object' && x !== null) : []);
const omit = (o: Obj, keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

export interface PurchaseOrderRecords {
  records: RawRecord[];
  /** Dell orders without productInfo, and products without service tags (not built or not shipped yet). */
  withoutServiceTags: number;
}

export function purchaseOrderRecords(po: Obj): PurchaseOrderRecords {
  const out: PurchaseOrderRecords = { records: [], withoutServiceTags: 0 };
  const poFields = omit(po, ['dellOrders']);
  for (const order of list(po.dellOrders)) {
    const orderFields = omit(order, ['productInfo', 'trackingInformation', 'shipToInformation', 'purchaseOrderLines']);
    const products = list(order.productInfo);
    if (products.length === 0) out.withoutServiceTags++;
    for (const product of products) {
      const tags = Array.isArray(product.serviceTags) ? product.serviceTags : [];
      if (tags.length === 0) out.withoutServiceTags++;
      const productFields = omit(product, ['serviceTags']);
      for (const tag of tags) {
        const record: RawRecord = { ...poFields, ...orderFields, ...productFields, serialnumber: tag };
        if ('shipToInformation' in order) record.shipToInformation = order.shipToInformation;
        out.records.push(record);
      }
    }
  }
  return out;
}
