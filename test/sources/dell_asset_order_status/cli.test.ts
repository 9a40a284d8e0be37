/** End to end: the built CLI reads the Dell order status test server and pushes to the fake Oomnitza. */
import { runCli, tempDir } from '../../helpers/runCli.js';
import { startFakeDell, type FakeDell } from '../../support/fakeDell.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';

let oom: FakeOomnitza;
let dell: FakeDell;
beforeEach(async () => {
  oom = await startFakeOomnitza();
  dell = await startFakeDell();
});
afterEach(async () => {
  await oom.close();
  await dell.close();
});

const section = (extra = '', secret = dell.clientSecret) => `[dell_asset_order_status]
enable = True
url = ${dell.url}
token_url = ${dell.url}/auth/oauth/v2/token
client_id = ${dell.clientId}
client_secret = ${secret}
is_po_numbers = True
values = ["PO-1", "PO-3"]
sync_field = SERIAL_NUMBER
mapping.SERIAL_NUMBER = serialnumber
mapping.PO = purchaseOrderNumber
mapping.ORDER = orderNumber
mapping.MODEL = description
mapping.CITY = shipToInformation.city
${extra}`;
const config = (body: string) => `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n${body}`;
const run = (ini: string, ...args: string[]) => runCli([...args, '--ini', 'config.ini'], { cwd: tempDir({ 'config.ini': ini }) });

test('one record per service tag of the purchase orders, shipped or not; exact payloads; the secret stays out of URLs', async () => {
  const res = await run(config(section()), 'upload', 'dell_asset_order_status');
  expect(res.stderr).toMatch(/pulled 8, .*pushed 8, failed 0/);
  expect(res.code).toBe(0);
  expect(dell.searches).toEqual([[{ key: 'po_numbers', values: ['PO-1', 'PO-3'] }]]);
  const row = (po: number, tag: string, order: string, model: string, city: string | null) => ({ SERIAL_NUMBER: tag, PO: `PO-${po}`, ORDER: order, MODEL: model, CITY: city });
  expect(oom.records('dell_asset_order_status')).toEqual([1, 3].flatMap((n) => {
    const [a, b, c, d] = dell.tags(`PO-${n}`);
    return [
      row(n, a, `80000${n}1`, 'Latitude 7450', 'Austin'), row(n, b, `80000${n}1`, 'Latitude 7450', 'Austin'),
      row(n, c, `80000${n}1`, 'Dock WD22TB4', 'Austin'), row(n, d, `80000${n}2`, 'Latitude 7450', null),
    ];
  }));
  expect(dell.secretInQuery).toBe(false);
  expect(res.stderr).toContain('2 Dell order(s) or product(s) have no service tag yet');
});

test('order numbers with their country; a 429 is waited out and an expired token renewed; nothing is lost', async () => {
  dell.throttle(1, '0.1');
  dell.revokeOnNextSearch();
  const first = await run(config(section().replace('is_po_numbers = True', 'is_order_no_country_code = True\ncountry_code = ["US"]').replace('["PO-1", "PO-3"]', '["8000021"]')), 'upload', 'dell_asset_order_status');
  expect(first.code).toBe(0);
  expect(dell.searches.at(-1)).toEqual([{ key: 'order_numbers', values: ['8000021'] }, { key: 'country_code', values: ['US'] }]);
  expect(oom.records().map((r) => r.PO)).toEqual(['PO-2', 'PO-2', 'PO-2', 'PO-2']);
  expect(dell.statuses.filter((s) => s === 429)).toHaveLength(1);
  expect(dell.statuses.filter((s) => s === 401)).toHaveLength(1);
  expect(dell.tokensIssued).toBe(2);
});

test('wrong client secret: exit 1, names client_secret, quotes Dell, never prints the secret', async () => {
  const res = await run(config(section('', 'not-the-secret-777')), 'upload', 'dell_asset_order_status');
  expect(res.code).toBe(1);
  expect(res.stderr).toContain('invalid_client: The given client credentials were not valid');
  expect(res.stderr).toContain('client_secret');
  expect(res.stdout + res.stderr).not.toContain('not-the-secret-777');
});

test('connector test; config errors before any request: no search kind, an empty values list, a values that is no list', async () => {
  const ok = await run(config(section()), 'test', 'dell_asset_order_status');
  expect(ok.code).toBe(0);
  expect(ok.stdout).toContain('2 purchase order(s), 8 service tag(s)');
  const none = await run(config(section().replace('is_po_numbers = True', '')), 'upload', 'dell_asset_order_status');
  expect(none.code).toBe(2);
  expect(none.stderr).toContain('is_po_numbers: say what values holds');
  const empty = await run(config(section().replace('["PO-1", "PO-3"]', '[]')), 'upload', 'dell_asset_order_status');
  expect(empty.stderr).toContain('values is empty');
  const bad = await run(config(section().replace('["PO-1", "PO-3"]', 'PO-1, PO-3')), 'upload', 'dell_asset_order_status');
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/config\.ini:\d+.*values.*is not a JSON list/);
  expect(dell.searches).toHaveLength(1);
}, 120_000); // four CLI runs
