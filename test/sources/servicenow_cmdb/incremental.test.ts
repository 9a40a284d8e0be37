/**
 * [servicenow_cmdb] and [servicenow] with sync_mode = incremental, in process: `sys_updated_on>=` (UTC) ANDed with
 * the admin's query, only changed rows read the second time, a failed run keeps the watermark, full sweeps.
 */
import { createServicenowSource } from '../../../src/sources/servicenow/index.js';
import { servicenowSettings } from '../../../src/sources/servicenow/servicenowSettings.js';
import { serviceNowDateTime, updatedSinceQuery } from '../../../src/sources/servicenow/tableApi.js';
import { recordingContext, settingsFrom } from '../../helpers/sourceContext.js';
import { uploadInProcess } from '../../helpers/uploadInProcess.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';
import { startFakeServiceNow, sysId, type FakeServiceNow } from '../../support/fakeServiceNow.js';
import { serviceNowTables } from '../servicenow/data.js';
import { cmdbTables } from './data.js';

let sn: FakeServiceNow;
let oom: FakeOomnitza;
beforeEach(async () => {
  oom = await startFakeOomnitza();
});
afterEach(async () => {
  await Promise.all([oom.close(), sn?.close()]);
});

const cmdbSection = (extra = '') => `enable = True\nurl = ${sn.url}\nusername = ${sn.username}\npassword = ${sn.password}\n` +
  'sync_field = SERIAL_NUMBER\nquery = install_status!=7\nmapping.SERIAL_NUMBER = hardware.serial_number\nmapping.NAME = hardware.name\n' +
  `sync_mode = incremental\nfull_sweep_every = 3\n${extra}`;
const queries = (from: number) => sn.log.slice(from).filter((l) => l.includes('/cmdb_ci_computer?')).map((l) => /sysparm_query=([^&]*)/.exec(l)![1].replace(/\+/g, ' '));
const serials = () => oom.records('servicenow_cmdb').map((r) => r.SERIAL_NUMBER);

test('updatedSinceQuery: UTC date-time, ANDed before every OR-block; the empty query is the condition alone', () => {
  expect(serviceNowDateTime('2026-12-01T03:38:00.000Z')).toBe('2026-12-01 03:38:00');
  expect(updatedSinceQuery('', '2026-12-01T03:38:00.000Z')).toBe('sys_updated_on>=2026-12-01 03:38:00');
  expect(updatedSinceQuery('a=1^ORb=2^NQc=3', '2026-12-01T03:38:00Z'))
    .toBe('sys_updated_on>=2026-12-01 03:38:00^a=1^ORb=2^NQsys_updated_on>=2026-12-01 03:38:00^c=3');
});

test('[servicenow_cmdb]: the second run reads only the CIs updated since the watermark, within the admin\'s query', async () => {
  sn = await startFakeServiceNow({ tables: cmdbTables(8) });
  const up = uploadInProcess(oom, 'servicenow_cmdb', cmdbSection());
  let from = sn.log.length;
  expect(await up.run()).toBe(0);
  expect(queries(from)).toEqual(['install_status!=7^ORDERBYsys_id']);
  expect(serials()).toHaveLength(7);
  const saved = up.state()!;
  expect(saved.incrementalRuns).toBe(0);

  sn.touch('cmdb_ci_computer', sysId('c', 3), { name: 'PC-3-renamed' });
  sn.touch('cmdb_ci_computer', sysId('c', 7)); // retired: the admin's query still leaves it out
  from = sn.log.length;
  expect(await up.run()).toBe(0);
  expect(queries(from)).toEqual([`sys_updated_on>=${serviceNowDateTime(saved.watermark)}^install_status!=7^ORDERBYsys_id`]);
  expect(oom.records('servicenow_cmdb')).toEqual([{ SERIAL_NUMBER: 'SN3', NAME: 'PC-3-renamed', APPLICATIONS: [] }]);
  expect(up.state()!.incrementalRuns).toBe(1);
});

test('[servicenow_cmdb]: a failed push keeps the watermark; full_sweep_every = 3 reads everything on the 4th complete run', async () => {
  sn = await startFakeServiceNow({ tables: cmdbTables(4) });
  const up = uploadInProcess(oom, 'servicenow_cmdb', cmdbSection());
  expect(await up.run()).toBe(0);
  const saved = up.state();
  sn.touch('cmdb_ci_computer', sysId('c', 2));
  oom.failBulk(500, 1);
  expect(await up.run()).toBe(1);
  expect(up.state()).toEqual(saved);
  const modes: string[] = [];
  for (let i = 0; i < 3; i++) {
    const from = sn.log.length;
    expect(await up.run()).toBe(0);
    modes.push(queries(from)[0].startsWith('sys_updated_on>=') ? 'incremental' : 'full');
  }
  expect(modes).toEqual(['incremental', 'incremental', 'full']);
  expect(serials()).toHaveLength(4);
});

test('the test server refuses a malformed date-time condition', async () => {
  sn = await startFakeServiceNow({ tables: cmdbTables(2) });
  const res = await fetch(`${sn.url}/api/now/table/cmdb_ci_computer?sysparm_query=${encodeURIComponent('sys_updated_on>=2026-12-01T03:00:00Z')}`, {
    headers: { authorization: `Basic ${Buffer.from(`${sn.username}:${sn.password}`).toString('base64')}` },
  });
  expect(res.status).toBe(400);
});

test('[servicenow]: an incremental read asks alm_asset for rows updated since, and reports the watermark at the end', async () => {
  const tables = serviceNowTables(6);
  sn = await startFakeServiceNow({ tables });
  const ctx = recordingContext('servicenow');
  try {
    const source = createServicenowSource(settingsFrom(servicenowSettings, { url: sn.url, username: sn.username, password: sn.password }), ctx);
    const read = async (since?: string) => {
      let earned: string | undefined;
      const out: Array<Record<string, unknown>> = [];
      for await (const r of source.read({ fields: [], allFields: true, incremental: { since, advance: (w) => (earned = w) } })) out.push(r);
      return { out, earned };
    };
    const first = await read();
    expect(first.out).toHaveLength(6);
    expect(Date.parse(first.earned!)).toBeLessThan(Date.now() - 4 * 60_000);
    const id = String((tables.alm_asset[2].sys_id as string));
    sn.touch('alm_asset', id);
    const from = sn.log.length;
    const second = await read(first.earned);
    expect(second.out.map((r) => (r.hardware as Record<string, unknown>).sys_id)).toEqual([id]);
    expect(sn.log[from].replace(/\+/g, ' ')).toContain(`/alm_asset?sysparm_query=sys_updated_on>=${serviceNowDateTime(first.earned!)}^ORDERBYsys_id`);
  } finally {
    await ctx.http.close();
  }
});
