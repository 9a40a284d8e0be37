/**
 * Names the admin or a data source chooses (CSV columns, mapping sources and fields, server mappings) that are
 * Object.prototype keys reach Oomnitza like any other name: the built CLI on a CSV against the fake Oomnitza.
 */
import { startFakeOomnitza, type FakeOomnitza } from '../support/fakeOomnitza.js';
import { runCli, tempDir } from '../helpers/runCli.js';

let oom: FakeOomnitza;
afterEach(async () => {
  await oom.close();
});

const CSV = 'serial,constructor,toString,__proto__,hasOwnProperty\nS1,c1,t1,p1,h1\n';

test('CSV columns named constructor, toString, __proto__ and hasOwnProperty are mapped and sent', async () => {
  oom = await startFakeOomnitza();
  const ini =
    `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n[csv_assets]\nenable = True\nfilename = assets.csv\n` +
    'mapping.SERIAL_NUMBER = serial\nmapping.A = constructor\nmapping.B = toString\nmapping.C = __proto__\nmapping.D = {"source": "hasOwnProperty", "required": true}\n';
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: tempDir({ 'config.ini': ini, 'assets.csv': CSV }) });
  expect(res.stderr).toContain('pushed 1, failed 0');
  expect(res.code).toBe(0);
  expect(oom.records()).toEqual([{ SERIAL_NUMBER: 'S1', A: 'c1', B: 't1', C: 'p1', D: 'h1' }]);
});

test('server-side mappings to fields named constructor and __proto__ are sent', async () => {
  // JSON.parse, as the server's reply is read: an object literal would take "__proto__" as its prototype.
  const server = JSON.parse('{"serial": "SERIAL_NUMBER", "constructor": "constructor", "__proto__": ["__proto__"]}');
  oom = await startFakeOomnitza({ mappings: { CSV_assets: server } });
  const ini = `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n[csv_assets]\nenable = True\nfilename = assets.csv\n`;
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: tempDir({ 'config.ini': ini, 'assets.csv': CSV }) });
  expect(res.stderr).toContain('pushed 1, failed 0');
  expect(res.code).toBe(0);
  expect(oom.bulkRequests[0].records.map((r) => JSON.stringify(r))).toEqual(['{"SERIAL_NUMBER":"S1","constructor":"c1","__proto__":"p1"}']);
});
