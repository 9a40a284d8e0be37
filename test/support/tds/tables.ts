/**
 * A tiny in-memory model of the SCCM site database: each view is a table of rows keyed by a resource id.
 * Tables are either built from fixture rows or synthesised lazily (for 50,000-computer benchmarks),
 * so the server never has to hold a large data set.
 */
import type { Column, ColumnType, Value } from './tokens.js';

export type Row = Record<string, Value>;

export interface Table {
  readonly columns: readonly Column[];
  /** Column that holds the computer's ResourceID. */
  readonly key: string;
  /** All rows, in key order. */
  rows(): Iterable<Row>;
  /** Rows of one computer. */
  lookup(id: number): readonly Row[];
  count(): number;
}

export interface Database {
  name: string;
  tables: Record<string, Table>;
  /** Views the login may not SELECT from (error 229). */
  denied: Set<string>;
}

const c = (name: string, type: ColumnType): Column => ({ name, type });

/** Columns of the views the connector reads (a subset of each real view's columns). */
export const SCHEMAS: Record<string, { key: string; columns: Column[] }> = {
  v_GS_COMPUTER_SYSTEM: {
    key: 'ResourceID',
    columns: [c('ResourceID', 'int'), c('GroupID', 'int'), c('Name0', 'nvarchar'), c('Domain0', 'nvarchar'), c('Manufacturer0', 'nvarchar'),
      c('Model0', 'nvarchar'), c('SystemType0', 'nvarchar'), c('UserName0', 'nvarchar')],
  },
  v_GS_PROCESSOR: { key: 'ResourceID', columns: [c('ResourceID', 'int'), c('GroupID', 'int'), c('Name0', 'nvarchar')] },
  v_GS_DISK: { key: 'ResourceID', columns: [c('ResourceID', 'int'), c('GroupID', 'int'), c('Index0', 'int'), c('Size0', 'int')] },
  v_GS_NETWORK_ADAPTER_CONFIGURATION: {
    key: 'ResourceID',
    columns: [c('ResourceID', 'int'), c('GroupID', 'int'), c('IPAddress0', 'nvarchar'), c('MACAddress0', 'nvarchar')],
  },
  v_GS_ENCRYPTABLE_VOLUME: {
    key: 'ResourceID',
    columns: [c('ResourceID', 'int'), c('GroupID', 'int'), c('DriveLetter0', 'nvarchar'), c('ProtectionStatus0', 'int')],
  },
  v_GS_AntimalwareHealthStatus: { key: 'ResourceID', columns: [c('ResourceID', 'int'), c('GroupID', 'int'), c('AntivirusEnabled', 'bit')] },
  v_GS_X86_PC_MEMORY: { key: 'ResourceID', columns: [c('ResourceID', 'int'), c('GroupID', 'int'), c('TotalPhysicalMemory0', 'int')] },
  v_GS_PC_BIOS: { key: 'ResourceID', columns: [c('ResourceID', 'int'), c('GroupID', 'int'), c('SerialNumber0', 'nvarchar')] },
  v_R_System: { key: 'ResourceID', columns: [c('ResourceID', 'int'), c('Last_Logon_Timestamp0', 'datetime')] },
  v_UserMachineRelationship: { key: 'MachineResourceID', columns: [c('MachineResourceID', 'int'), c('UniqueUserName', 'nvarchar')] },
  v_GS_OPERATING_SYSTEM: { key: 'ResourceID', columns: [c('ResourceID', 'int'), c('GroupID', 'int'), c('Caption0', 'nvarchar')] },
  v_GS_ADD_REMOVE_PROGRAMS: {
    key: 'ResourceID',
    columns: [c('ResourceID', 'int'), c('GroupID', 'int'), c('DisplayName0', 'nvarchar'), c('Version0', 'nvarchar'), c('Publisher0', 'nvarchar')],
  },
  v_GS_ADD_REMOVE_PROGRAMS_64: {
    key: 'ResourceID',
    columns: [c('ResourceID', 'int'), c('GroupID', 'int'), c('DisplayName0', 'nvarchar'), c('Version0', 'nvarchar'), c('Publisher0', 'nvarchar')],
  },
};

function schemaOf(view: string): { key: string; columns: Column[] } {
  const schema = SCHEMAS[view];
  if (!schema) throw new Error(`TDS test server: no schema for view ${view}`);
  return schema;
}

/** A table from fixture rows; rows are checked against the view's columns so a typo fails the test. */
export function tableFromRows(view: string, rows: Row[]): Table {
  const { key, columns } = schemaOf(view);
  const known = new Set(columns.map((col) => col.name));
  for (const row of rows) {
    const unknown = Object.keys(row).filter((k) => !known.has(k));
    if (unknown.length) throw new Error(`TDS test server: ${view} has no column(s) ${unknown.join(', ')}`);
  }
  const sorted = [...rows].sort((a, b) => Number(a[key]) - Number(b[key]));
  const index = new Map<number, Row[]>();
  for (const row of sorted) {
    const id = Number(row[key]);
    index.set(id, [...(index.get(id) ?? []), row]);
  }
  return { columns, key, rows: () => sorted, lookup: (id) => index.get(id) ?? [], count: () => sorted.length };
}

/** A table computed on demand: `ids` in ascending order, `rowsFor(id)` the rows of one computer. */
export function syntheticTable(view: string, ids: () => Iterable<number>, rowsFor: (id: number) => Row[]): Table {
  const { key, columns } = schemaOf(view);
  return {
    columns,
    key,
    *rows() {
      for (const id of ids()) yield* rowsFor(id);
    },
    lookup: rowsFor,
    count: () => {
      let n = 0;
      for (const id of ids()) n += rowsFor(id).length;
      return n;
    },
  };
}

/** A database where every view exists (empty unless given). */
export function sccmDatabase(name: string, tables: Record<string, Table>, denied: string[] = []): Database {
  const all: Record<string, Table> = {};
  for (const view of Object.keys(SCHEMAS)) all[view] = tables[view] ?? tableFromRows(view, []);
  return { name, tables: all, denied: new Set(denied) };
}
