/**
 * A generated SCCM database of any size, computed row by row on demand (nothing is held in memory):
 * computer i has ResourceID 16777216 + i, two network adapters, and `softwarePerComputer` programs split
 * over the 32- and 64-bit views with one duplicate between them.
 */
import { sccmDatabase, syntheticTable, type Database, type Row } from './tables.js';

export const FIRST_RESOURCE_ID = 16_777_216;

export function syntheticSccm(computers: number, softwarePerComputer: number, name = 'CM_DCT'): Database {
  const ids = function* (): Iterable<number> {
    for (let i = 0; i < computers; i++) yield FIRST_RESOURCE_ID + i;
  };
  const n = (id: number): number => id - FIRST_RESOURCE_ID;
  const program = (id: number, p: number): Row => ({
    ResourceID: id,
    GroupID: p + 1,
    DisplayName0: `Program ${p}`,
    Version0: `${p}.${n(id) % 7}`,
    Publisher0: `Vendor ${p % 13}`,
  });
  const half = Math.ceil(softwarePerComputer / 2);
  const one = (view: string, row: (id: number) => Row) => syntheticTable(view, ids, (id) => [row(id)]);
  return sccmDatabase(name, {
    v_GS_COMPUTER_SYSTEM: one('v_GS_COMPUTER_SYSTEM', (id) => ({
      ResourceID: id, GroupID: 1, Name0: `PC-${n(id)}`, Domain0: 'CORP', Manufacturer0: 'Dell Inc.', Model0: 'Latitude 7440',
      SystemType0: 'x64-based PC', UserName0: `CORP\\user${n(id)}`,
    })),
    v_GS_PROCESSOR: one('v_GS_PROCESSOR', (id) => ({ ResourceID: id, GroupID: 1, Name0: 'Intel(R) Core(TM) i7-1365U' })),
    v_GS_DISK: one('v_GS_DISK', (id) => ({ ResourceID: id, GroupID: 1, Index0: 0, Size0: 476937 })),
    v_GS_NETWORK_ADAPTER_CONFIGURATION: syntheticTable('v_GS_NETWORK_ADAPTER_CONFIGURATION', ids, (id) => [
      { ResourceID: id, GroupID: 1, IPAddress0: `10.${(n(id) >> 16) & 255}.${(n(id) >> 8) & 255}.${n(id) & 255}`, MACAddress0: 'AA:BB:CC:00:00:01' },
      { ResourceID: id, GroupID: 2, IPAddress0: '192.168.56.1', MACAddress0: '0A:00:27:00:00:02' },
    ]),
    v_GS_X86_PC_MEMORY: one('v_GS_X86_PC_MEMORY', (id) => ({ ResourceID: id, GroupID: 1, TotalPhysicalMemory0: 16_777_216 })),
    v_GS_PC_BIOS: one('v_GS_PC_BIOS', (id) => ({ ResourceID: id, GroupID: 1, SerialNumber0: `SN${n(id)}` })),
    v_R_System: one('v_R_System', (id) => ({ ResourceID: id, Last_Logon_Timestamp0: new Date(Date.UTC(2024, 0, 1) + n(id) * 60_000) })),
    v_GS_OPERATING_SYSTEM: one('v_GS_OPERATING_SYSTEM', (id) => ({ ResourceID: id, GroupID: 1, Caption0: 'Microsoft Windows 11 Enterprise' })),
    v_GS_ADD_REMOVE_PROGRAMS: syntheticTable('v_GS_ADD_REMOVE_PROGRAMS', ids, (id) =>
      Array.from({ length: half }, (_, p) => program(id, p)),
    ),
    // the 64-bit view starts with the last 32-bit program again: UNION must drop that duplicate
    v_GS_ADD_REMOVE_PROGRAMS_64: syntheticTable('v_GS_ADD_REMOVE_PROGRAMS_64', ids, (id) =>
      Array.from({ length: softwarePerComputer - half + (half > 0 ? 1 : 0) }, (_, p) => program(id, half - 1 + p)).slice(half > 0 ? 0 : 1),
    ),
  });
}
