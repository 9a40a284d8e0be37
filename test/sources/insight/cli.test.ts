/** End to end: the built CLI reads the Insight test server and pushes to the fake Oomnitza. */
import { runCli, tempDir } from '../../helpers/runCli.js';
import { startFakeInsight, type FakeInsight } from '../../support/fakeInsight.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';

let oom: FakeOomnitza;
let ins: FakeInsight;
beforeEach(async () => {
  oom = await startFakeOomnitza();
  ins = await startFakeInsight({ orders: 150 });
});
afterEach(async () => {
  await oom.close();
  await ins.close();
});

const section = (extra = '', secret = ins.clientSecret) => `[insight]
enable = True
url = ${ins.url}
client_id = ${ins.clientId}
client_key = ${ins.clientKey}
client_secret = ${secret}
order_creation_date_from = 2026-01-01
order_creation_date_to = 2026-05-01
sync_field = SERIAL_NUMBER
mapping.SERIAL_NUMBER = SerialNumber
mapping.ORDER_NUMBER = OrderHeader.SalesOrderNumber
mapping.LINE = OrderLineItems.LineNumber
mapping.DELIVERY = Delivery.DeliveryNumber
mapping.TRACKING = Tracking.TrackingNumber
mapping.INVOICE = BillingInformation.InvoiceNumber
${extra}`;
const config = (body: string) => `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n${body}`;
/**
 * What Oomnitza received, in read order: with --workers 2 two batches are in flight at once and may arrive in either
 * order, so the records are compared sorted by serial (each serial is one record).
 */
const bySerial = (records: Record<string, unknown>[]) => [...records].sort((a, b) => String(a.SERIAL_NUMBER).localeCompare(String(b.SERIAL_NUMBER)));
const run = (ini: string, ...args: string[]) => runCli([...args, '--ini', 'config.ini'], { cwd: tempDir({ 'config.ini': ini }) });

/** Orders 1..121 are created 2026-01-01..2026-05-01; every serial of every order is one record. */
function expected() {
  return Array.from({ length: 121 }, (_, k) => k + 1).flatMap((i) =>
    ins.serials(i).map((serial, k) => ({
      SERIAL_NUMBER: serial, ORDER_NUMBER: `${4_000_000 + i}`, LINE: '000010', DELIVERY: `80${i}`,
      TRACKING: k === 0 ? `1Z${i}` : null, INVOICE: `INV-${i}`,
    })),
  );
}

test('two 60-day windows, every serial of a delivery a record, the order on the shared day once; exact payloads', async () => {
  const res = await run(config(section()), 'upload', 'insight');
  expect(res.stderr).toMatch(/\[insight\] pulled 242, .*pushed 242, failed 0/);
  expect(res.code).toBe(0);
  expect(ins.windows).toEqual(['2026-01-01..2026-03-02', '2026-03-02..2026-05-01']);
  expect(bySerial(oom.records('insight'))).toEqual(bySerial(expected()));
  expect(oom.bulkRequests[0]).toMatchObject({ connector_name: 'insight', data_type: 'assets', sync_field: ['SERIAL_NUMBER'] });
  expect(res.stderr).toContain('30 line item(s) or deliveries have no serial number yet');
  expect(res.stdout + res.stderr).not.toContain(ins.clientSecret);
});

test('a 429 spike arrest, a 500 and an expired token mid-run are waited out, retried and renewed; nothing is lost', async () => {
  ins.throttle(2);
  ins.failWindow('2026-03-02', 500, 1);
  ins.expireTokens(1);
  const res = await run(config(section('concurrency = 1\n')), 'upload', 'insight');
  expect(res.code).toBe(0);
  expect(bySerial(oom.records('insight'))).toEqual(bySerial(expected()));
  expect(ins.statuses.filter((s) => s === 429)).toHaveLength(2);
  expect(ins.statuses.filter((s) => s === 401)).toHaveLength(1);
  expect(ins.tokensIssued).toBe(2);
});

test('a window Insight refuses is reported with its dates while the other window arrives; exit 1', async () => {
  ins.failWindow('2026-03-02', 400);
  const res = await run(config(section('concurrency = 1\n')), 'upload', 'insight');
  expect(res.code).toBe(1);
  expect(res.stderr).toMatch(/orders created 2026-03-02\.\.2026-05-01.*HTTP 400/);
  const pushed = bySerial(oom.records('insight')).map((r) => r.SERIAL_NUMBER);
  expect(pushed).toEqual(bySerial(expected().filter((r) => r.ORDER_NUMBER <= '4000061')).map((r) => r.SERIAL_NUMBER));
});

test('wrong client secret: exit 1, the message names client_secret and quotes Apigee, never the secret', async () => {
  const res = await run(config(section('', 'wrong-secret-12345')), 'upload', 'insight');
  expect(res.code).toBe(1);
  expect(res.stderr).toContain('invalid_client: ClientId is Invalid');
  expect(res.stderr).toMatch(/client_secret/);
  expect(res.stdout + res.stderr).not.toContain('wrong-secret-12345');
  expect(oom.records('insight')).toEqual([]);
});

test('connector test authenticates and reads the last 7 days', async () => {
  const res = await run(config(section()), 'test', 'insight');
  expect(res.code).toBe(0);
  expect(res.stdout).toMatch(/as OAuth2 client "insight-key-7Qm2"; the last 7 days have 8 order\(s\), \d+ delivered serial number\(s\)/);
  expect(ins.windows).toEqual(['2026-04-24..2026-05-01']);
});

test('config errors name the setting before any request: a bad date, a reversed range', async () => {
  const bad = await run(config(section().replace('2026-05-01', '2026-02-30')), 'upload', 'insight');
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/config\.ini:\d+.*order_creation_date_to.*"2026-02-30" is not a date written YYYY-MM-DD/);
  const reversed = await run(config(section().replace('2026-01-01', '2026-06-01')), 'upload', 'insight');
  expect(reversed.code).toBe(2);
  expect(reversed.stderr).toContain('order_creation_date_from 2026-06-01 is after order_creation_date_to 2026-05-01');
  expect(ins.windows).toEqual([]);
}, 120_000); // two CLI runs
