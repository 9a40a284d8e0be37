import { dateWindows, localDate } from '../../../src/sources/insight/dateWindows.js';
import { orderRecords } from '../../../src/sources/insight/records.js';

test('60-day windows whose ends touch, the last one short; one window for a single day', () => {
  expect(dateWindows('2026-01-01', '2026-05-01')).toEqual([['2026-01-01', '2026-03-02'], ['2026-03-02', '2026-05-01']]);
  expect(dateWindows('2026-01-01', '2026-03-02')).toEqual([['2026-01-01', '2026-03-02']]);
  expect(dateWindows('2026-03-01', '2026-03-01')).toEqual([['2026-03-01', '2026-03-01']]);
  expect(dateWindows('2024-01-01', '2024-12-31')).toHaveLength(7);
});

test('localDate counts calendar days in the machine\'s time zone', () => {
  expect(localDate(new Date(2026, 2, 1, 0, 30), 1)).toBe('2026-02-28');
  expect(localDate(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
});

test('every serial of a delivery is its own record with its own tracking; SAP single objects are lists of one', () => {
  const order = {
    OrderHeader: { SalesOrderNumber: '42' }, // one header written as an object
    OrderLineItems: [{
      LineNumber: '10',
      Delivery: [{ DeliveryNumber: 'D1', SerialNumbers: [{ SerialNumber: ' A1 ' }, { SerialNumber: 'B2' }], BillingInformation: { InvoiceNumber: 'I1' } }],
    }, { LineNumber: '20' }],
    Tracking: [{ SerialNumber: 'B2', TrackingNumber: 'T2' }],
  };
  const { records, unshipped } = orderRecords(order);
  expect(records).toEqual([
    { OrderHeader: { SalesOrderNumber: '42' }, OrderLineItems: { LineNumber: '10' }, Delivery: { DeliveryNumber: 'D1' }, SerialNumber: 'A1', Tracking: {}, BillingInformation: { InvoiceNumber: 'I1' } },
    { OrderHeader: { SalesOrderNumber: '42' }, OrderLineItems: { LineNumber: '10' }, Delivery: { DeliveryNumber: 'D1' }, SerialNumber: 'B2', Tracking: { SerialNumber: 'B2', TrackingNumber: 'T2' }, BillingInformation: { InvoiceNumber: 'I1' } },
  ]);
  expect(records[0]).not.toBe(records[1]);
  expect(unshipped).toBe(1);
});

test('two billing entries: BillingInformation {} and counted; numeric serials stay numbers', () => {
  const found = orderRecords({
    OrderHeader: [{ SalesOrderNumber: '7' }],
    OrderLineItems: [{ Delivery: [{ SerialNumbers: [{ SerialNumber: 12345 }], BillingInformation: [{ a: 1 }, { a: 2 }] }] }],
  });
  expect(found.records.map((r) => [r.SerialNumber, r.BillingInformation])).toEqual([[12345, {}]]);
  expect(found.ambiguousBilling).toBe(1);
});
