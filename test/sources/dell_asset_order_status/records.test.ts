import { purchaseOrderRecords } from '../../../src/sources/dell_asset_order_status/records.js';

test('one record per service tag; nothing of an earlier order or product leaks into later records; no shipTo is no drop', () => {
  const po = {
    purchaseOrderNumber: 'PO1',
    dellOrders: [
      { orderNumber: 'O1', orderStatus: 'Shipped', extra: 'only-O1', shipToInformation: { city: 'Austin' }, trackingInformation: [{}], productInfo: [
        { skuNumber: 'S1', onlyS1: true, serviceTags: ['TAG1', 'TAG2'] },
        { skuNumber: 'S2', serviceTags: ['TAG3'] },
      ] },
      { orderNumber: 'O2', orderStatus: 'In production', productInfo: [{ skuNumber: 'S3', serviceTags: ['TAG4'] }, { skuNumber: 'S4' }] },
      { orderNumber: 'O3' },
    ],
  };
  const { records, withoutServiceTags } = purchaseOrderRecords(po);
  expect(records).toEqual([
    { purchaseOrderNumber: 'PO1', orderNumber: 'O1', orderStatus: 'Shipped', extra: 'only-O1', skuNumber: 'S1', onlyS1: true, serialnumber: 'TAG1', shipToInformation: { city: 'Austin' } },
    { purchaseOrderNumber: 'PO1', orderNumber: 'O1', orderStatus: 'Shipped', extra: 'only-O1', skuNumber: 'S1', onlyS1: true, serialnumber: 'TAG2', shipToInformation: { city: 'Austin' } },
    { purchaseOrderNumber: 'PO1', orderNumber: 'O1', orderStatus: 'Shipped', extra: 'only-O1', skuNumber: 'S2', serialnumber: 'TAG3', shipToInformation: { city: 'Austin' } },
    { purchaseOrderNumber: 'PO1', orderNumber: 'O2', orderStatus: 'In production', skuNumber: 'S3', serialnumber: 'TAG4' },
  ]);
  expect(withoutServiceTags).toBe(2);
});
