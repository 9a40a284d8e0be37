import { PermanentError } from '../../../src/errors.js';
import { mergeComputers, type MergeStats } from '../../../src/sources/sccm/sccmReader.js';

async function* rows(list: Array<Record<string, unknown>>): AsyncGenerator<Record<string, unknown>> {
  yield* list;
}
async function collect(hw: Array<Record<string, unknown>>, sw: Array<Record<string, unknown>>) {
  const stats: MergeStats = { duplicateHardwareRows: 0, orphanSoftwareRows: 0 };
  const out = [];
  for await (const r of mergeComputers(rows(hw), rows(sw), stats)) out.push(r);
  return { out, stats };
}
const sw = (id: number, name: string) => ({ resource_id: id, name, version: '1', publisher: null });

describe('mergeComputers', () => {
  test('extra hardware rows for a computer are dropped (first wins) and counted; orphan software is skipped', async () => {
    const { out, stats } = await collect(
      [{ resource_id: 1, mac: 'a' }, { resource_id: 1, mac: 'b' }, { resource_id: 3, mac: 'c' }],
      [sw(1, 'x'), sw(2, 'orphan'), sw(3, 'y'), sw(3, 'z'), sw(4, 'after the last computer')],
    );
    expect(out.map((r) => [(r.hardware as { mac: string }).mac, (r.software as Array<{ name: string }>).map((s) => s.name)])).toEqual([
      ['a', ['x']],
      ['c', ['y', 'z']],
    ]);
    expect(stats).toEqual({ duplicateHardwareRows: 1, orphanSoftwareRows: 1 });
  });

  test('dates become ISO strings', async () => {
    const { out } = await collect([{ resource_id: 1, last_logon: new Date('2024-01-02T03:04:05.006Z') }], []);
    expect(out[0]).toEqual({ hardware: { resource_id: 1, last_logon: '2024-01-02T03:04:05.006Z' }, software: [] });
  });

  test('out-of-order rows stop the run instead of silently losing software', async () => {
    await expect(collect([{ resource_id: 2 }, { resource_id: 1 }], [])).rejects.toThrow(PermanentError);
    await expect(collect([{ resource_id: 1 }, { resource_id: 5 }], [sw(3, 'a'), sw(2, 'b')])).rejects.toThrow(/software rows are not ordered/);
  });
});
