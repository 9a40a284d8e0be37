/**
 * 50,000 computers: records arrive one per ResourceID, in two queries, and the connector pulls rows only as
 * fast as it consumes them (the server cannot run far ahead of a paused reader). Heap use over time is
 * measured by bench/sccm.ts.
 */
import { HARDWARE_SQL, SOFTWARE_SQL } from '../../../src/sources/sccm/queries.js';
import { normalizeSql } from '../../support/tds/queries.js';
import { startTdsServer, type TdsServer } from '../../support/tds/server.js';
import { FIRST_RESOURCE_ID, syntheticSccm } from '../../support/tds/synthetic.js';
import { PASSWORD, USER, serverSettings, source } from './helpers.js';

const COMPUTERS = 50_000;
const SOFTWARE = 4;
let server: TdsServer;

beforeAll(async () => {
  server = await startTdsServer({ databases: [syntheticSccm(COMPUTERS, SOFTWARE)], logins: { [USER]: PASSWORD } });
});
afterAll(() => server.close());

test('50,000 computers stream with backpressure in two queries', async () => {
  const records = source(serverSettings(server)).read({ fields: [], allFields: true })[Symbol.asyncIterator]();
  const first = await records.next();
  expect(first.done).toBe(false);
  // a slow consumer: the server must stall on backpressure instead of sending everything
  // (socket buffers of a few MB still fill up, so the check is: the server stalls, well short of the end)
  await new Promise((r) => setTimeout(r, 300));
  const stalledAt = server.rowsSent;
  await new Promise((r) => setTimeout(r, 300));
  expect(server.rowsSent).toBe(stalledAt);
  expect(stalledAt).toBeLessThan((COMPUTERS * (1 + SOFTWARE)) / 2);

  let count = 1;
  let expectedId = FIRST_RESOURCE_ID + 1;
  for (let r = await records.next(); !r.done; r = await records.next()) {
    const hw = r.value.hardware as { resource_id: number; computer_name: string; ipv4_address: string };
    if (hw.resource_id !== expectedId) throw new Error(`record ${count}: resource ${hw.resource_id}, expected ${expectedId}`);
    if ((r.value.software as unknown[]).length !== SOFTWARE) throw new Error(`record ${count}: wrong software count`);
    expectedId++;
    count++;
  }
  expect(count).toBe(COMPUTERS);
  expect([...server.queries].sort()).toEqual([normalizeSql(HARDWARE_SQL), normalizeSql(SOFTWARE_SQL)].sort());
}, 180_000); // about 15 s alone; a loaded machine (parallel suites) needs far more
