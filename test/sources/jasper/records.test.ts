/** A terminal's record: the original's shape (suds types, isoformat dates, `_` attributes), robust to odd dates. */
import { parseSoap } from '../../../src/http/soap.js';
import { recordOrigin } from '../../../src/recordOrigin.js';
import { parseXsdDateTime } from '../../../src/sources/jasper/dateTime.js';
import { terminalRecord } from '../../../src/sources/jasper/records.js';

test.each([
  ['2016-03-01T10:12:13Z', '2016-03-01T10:12:13+00:00', Date.UTC(2016, 2, 1, 10, 12, 13)],
  ['2016-03-01T10:12:13.000Z', '2016-03-01T10:12:13+00:00', Date.UTC(2016, 2, 1, 10, 12, 13)],
  ['2016-03-01T10:12:13.5-07:00', '2016-03-01T10:12:13.500000-07:00', Date.UTC(2016, 2, 1, 17, 12, 13, 500)],
  ['2016-03-01T10:12:13.1234567+05:30', '2016-03-01T10:12:13.123456+05:30', Date.UTC(2016, 2, 1, 4, 42, 13, 123)],
  ['2016-03-01T10:12:13-00:00', '2016-03-01T10:12:13+00:00', Date.UTC(2016, 2, 1, 10, 12, 13)],
  [' 2024-02-29T00:00:00 ', '2024-02-29T00:00:00', Date.UTC(2024, 1, 29)],
])('%s is read as %s', (raw, iso, epochMs) => {
  expect(parseXsdDateTime(raw)).toEqual({ isoformat: iso, epochMs });
});

test.each(['0000-00-00T00:00:00', '2023-02-29T00:00:00Z', '2016-13-01T00:00:00Z', '2016-03-01 10:12:13', '2016-03-01', '89011704252310000001', '', '2016-03-01T24:00:00Z', '2016-03-01T10:00:00+15:00'])(
  '%j is no date-time',
  (raw) => expect(parseXsdDateTime(raw)).toBeUndefined(),
);

test('a terminal element becomes the record the original built: typed fields, _msisdn, rating an object, nil null', () => {
  const xml = `<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><ns2:R xmlns:ns2="http://api.jasperwireless.com/ws/schema">
    <ns2:terminal msisdn="15550100007" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
      <ns2:iccid>89011704252310000007</ns2:iccid><ns2:suspended>N</ns2:suspended><ns2:status>ACTIVATED</ns2:status>
      <ns2:monthToDateUsage>12.50</ns2:monthToDateUsage><ns2:overageLimitReached>false</ns2:overageLimitReached>
      <ns2:dateActivated>2025-06-08T08:30:00.123-07:00</ns2:dateActivated><ns2:dateAdded>2025-05-01T00:00:00.000Z</ns2:dateAdded>
      <ns2:dateModified>not a date</ns2:dateModified><ns2:dateShipped>0000-00-00T00:00:00</ns2:dateShipped>
      <ns2:custom1/><ns2:rating><ns2:termStartDate>2025-06-01T00:00:00Z</ns2:termStartDate><ns2:primaryDataRemaining>4.3</ns2:primaryDataRemaining><ns2:renewalPolicy>AUTO</ns2:renewalPolicy></ns2:rating>
      <ns2:accountId>100020620</ns2:accountId><ns2:fixedIpAddress xsi:nil="true"/><ns2:ctdSessionCount>21</ns2:ctdSessionCount>
      <ns2:imsi>310170000000007</ns2:imsi><ns2:version>3</ns2:version><ns2:custom10>x</ns2:custom10><ns2:extra unit="MB">5</ns2:extra>
    </ns2:terminal></ns2:R></S:Body></S:Envelope>`;
  const terminal = (parseSoap(xml).body.R as Record<string, Record<string, unknown>>).terminal;
  const record = terminalRecord(terminal);
  expect(record).toEqual({
    _msisdn: '15550100007',
    msisdn: '15550100007',
    iccid: '89011704252310000007',
    suspended: 'N',
    status: 'ACTIVATED',
    monthToDateUsage: 12.5,
    overageLimitReached: false,
    dateActivated: '2025-06-08T08:30:00.123000-07:00',
    dateAdded: '2025-05-01T00:00:00+00:00',
    // Dates that are none are kept as sent: the record still arrives (the original crashed on an ICCID as a date).
    dateModified: 'not a date',
    dateShipped: '0000-00-00T00:00:00',
    custom1: null,
    rating: { termStartDate: '2025-06-01T00:00:00+00:00', primaryDataRemaining: 4.3, renewalPolicy: 'AUTO' },
    accountId: 100020620,
    fixedIpAddress: null,
    ctdSessionCount: 21,
    imsi: '310170000000007',
    version: 3,
    custom10: 'x',
    extra: { _unit: 'MB', value: '5' },
  });
  expect(recordOrigin(record)).toBe('ICCID 89011704252310000007');
});
