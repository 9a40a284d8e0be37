/**
 * The SQL texts this server understands, each answered from the table model. Texts are copied here on
 * purpose (not imported from the connector): if the connector's SQL changes, the server answers with
 * an error and the tests fail, instead of silently agreeing with whatever the connector sends.
 */
import type { Column, Value } from './tokens.js';
import type { Database, Row, Table } from './tables.js';

export interface ResultSet {
  columns: Column[];
  rows: Iterable<Value[]>;
}

export class SqlError extends Error {
  constructor(
    readonly number: number,
    readonly state: number,
    readonly severity: number,
    message: string,
  ) {
    super(message);
  }
}

interface KnownQuery {
  sql: string;
  views: string[];
  run(db: Database): ResultSet;
}

export function normalizeSql(sql: string): string {
  return sql.replace(/\s+/g, ' ').replace(/;\s*$/, '').trim();
}

const c = (name: string, type: Column['type']): Column => ({ name, type });

/** Ascending with NULLs first, as SQL Server sorts. */
function compare(a: Value | undefined, b: Value | undefined): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'string' && typeof b === 'string') {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return Number(a) - Number(b);
}

function first(rows: readonly Row[], orderBy: string[], where: (r: Row) => boolean = () => true): Row | undefined {
  const candidates = rows.filter(where);
  candidates.sort((a, b) => {
    for (const col of orderBy) {
      const d = compare(a[col], b[col]);
      if (d) return d;
    }
    return 0;
  });
  return candidates[0];
}

const HARDWARE_COLUMNS: Column[] = [
  c('resource_id', 'int'), c('computer_name', 'nvarchar'), c('domain_name', 'nvarchar'), c('make', 'nvarchar'),
  c('model', 'nvarchar'), c('platform', 'nvarchar'), c('user_name', 'nvarchar'), c('cpu', 'nvarchar'),
  c('hdd_total_mb', 'int'), c('ipv4_address', 'nvarchar'), c('mac_address', 'nvarchar'), c('memory_total_kb', 'int'),
  c('serial_number', 'nvarchar'), c('last_logon', 'datetime'), c('c_drive_encrypted', 'int'), c('antivirus_enabled', 'bit'),
  c('primary_user', 'nvarchar'), c('os_version', 'nvarchar'),
];

function* hardwareRows(db: Database): Iterable<Value[]> {
  const t = db.tables;
  const one = (view: string, id: number, orderBy: string[], where?: (r: Row) => boolean): Row =>
    first(t[view].lookup(id), orderBy, where) ?? {};
  for (const cs of t.v_GS_COMPUTER_SYSTEM.rows()) {
    const id = Number(cs.ResourceID);
    const processor = one('v_GS_PROCESSOR', id, ['GroupID']);
    const disc = one('v_GS_DISK', id, ['Index0', 'GroupID']);
    const net = one('v_GS_NETWORK_ADAPTER_CONFIGURATION', id, ['GroupID'], (r) => r.MACAddress0 != null && r.IPAddress0 != null);
    const volume = one('v_GS_ENCRYPTABLE_VOLUME', id, ['GroupID'], (r) => r.DriveLetter0 === 'C:');
    const antivirus = one('v_GS_AntimalwareHealthStatus', id, ['GroupID']);
    const mem = one('v_GS_X86_PC_MEMORY', id, ['GroupID']);
    const bios = one('v_GS_PC_BIOS', id, ['GroupID']);
    const umr = one('v_UserMachineRelationship', id, ['UniqueUserName']);
    const os = one('v_GS_OPERATING_SYSTEM', id, ['GroupID']);
    // a LEFT JOIN: every v_R_System row of the computer produces a row
    const systems = t.v_R_System.lookup(id);
    for (const rsys of systems.length ? systems : [{} as Row]) {
      yield [
        cs.ResourceID, cs.Name0, cs.Domain0, cs.Manufacturer0, cs.Model0, cs.SystemType0, cs.UserName0, processor.Name0,
        disc.Size0, net.IPAddress0, net.MACAddress0, mem.TotalPhysicalMemory0, bios.SerialNumber0, rsys.Last_Logon_Timestamp0,
        volume.ProtectionStatus0, antivirus.AntivirusEnabled, umr.UniqueUserName, os.Caption0,
      ].map((v) => v ?? null);
    }
  }
}

/** Consecutive rows of a key-ordered table, grouped by key. */
function* groups(table: Table): Iterable<[number, Row[]]> {
  let current: [number, Row[]] | undefined;
  for (const row of table.rows()) {
    const id = Number(row[table.key]);
    if (current && current[0] === id) current[1].push(row);
    else {
      if (current) yield current;
      current = [id, [row]];
    }
  }
  if (current) yield current;
}

function* softwareRows(db: Database): Iterable<Value[]> {
  const a = groups(db.tables.v_GS_ADD_REMOVE_PROGRAMS)[Symbol.iterator]();
  const b = groups(db.tables.v_GS_ADD_REMOVE_PROGRAMS_64)[Symbol.iterator]();
  let x = a.next();
  let y = b.next();
  while (!x.done || !y.done) {
    const id = Math.min(x.done ? Infinity : x.value[0], y.done ? Infinity : y.value[0]);
    const rows: Row[] = [];
    if (!x.done && x.value[0] === id) (rows.push(...x.value[1]), (x = a.next()));
    if (!y.done && y.value[0] === id) (rows.push(...y.value[1]), (y = b.next()));
    const unique = new Map<string, Value[]>();
    for (const r of rows) {
      if (r.DisplayName0 == null || r.DisplayName0 === '') continue;
      const values = [r.ResourceID, r.DisplayName0, r.Version0 ?? null, r.Publisher0 ?? null];
      unique.set(JSON.stringify(values), values);
    }
    const sorted = [...unique.values()].sort((p, q) => compare(p[1], q[1]) || compare(p[2], q[2]) || compare(p[3], q[3]));
    yield* sorted;
  }
}

function* countRows(db: Database): Iterable<Value[]> {
  yield [BigInt(db.tables.v_GS_COMPUTER_SYSTEM.count())];
}

const HARDWARE_SQL = `
SELECT cs.ResourceID AS resource_id,
       cs.Name0 AS computer_name,
       cs.Domain0 AS domain_name,
       cs.Manufacturer0 AS make,
       cs.Model0 AS model,
       cs.SystemType0 AS platform,
       cs.UserName0 AS user_name,
       processor.Name0 AS cpu,
       disc.Size0 AS hdd_total_mb,
       net.IPAddress0 AS ipv4_address,
       net.MACAddress0 AS mac_address,
       mem.TotalPhysicalMemory0 AS memory_total_kb,
       bios.SerialNumber0 AS serial_number,
       rsys.Last_Logon_Timestamp0 AS last_logon,
       encrypted_volume.ProtectionStatus0 AS c_drive_encrypted,
       antivirus.AntivirusEnabled AS antivirus_enabled,
       umr.UniqueUserName AS primary_user,
       os.Caption0 AS os_version
  FROM dbo.v_GS_COMPUTER_SYSTEM AS cs
  OUTER APPLY (SELECT TOP (1) p.Name0 FROM dbo.v_GS_PROCESSOR AS p
                WHERE p.ResourceID = cs.ResourceID ORDER BY p.GroupID) AS processor
  OUTER APPLY (SELECT TOP (1) d.Size0 FROM dbo.v_GS_DISK AS d
                WHERE d.ResourceID = cs.ResourceID ORDER BY d.Index0, d.GroupID) AS disc
  OUTER APPLY (SELECT TOP (1) n.IPAddress0, n.MACAddress0 FROM dbo.v_GS_NETWORK_ADAPTER_CONFIGURATION AS n
                WHERE n.ResourceID = cs.ResourceID AND n.MACAddress0 IS NOT NULL AND n.IPAddress0 IS NOT NULL
                ORDER BY n.GroupID) AS net
  OUTER APPLY (SELECT TOP (1) v.ProtectionStatus0 FROM dbo.v_GS_ENCRYPTABLE_VOLUME AS v
                WHERE v.ResourceID = cs.ResourceID AND v.DriveLetter0 = 'C:' ORDER BY v.GroupID) AS encrypted_volume
  OUTER APPLY (SELECT TOP (1) a.AntivirusEnabled FROM dbo.v_GS_AntimalwareHealthStatus AS a
                WHERE a.ResourceID = cs.ResourceID ORDER BY a.GroupID) AS antivirus
  OUTER APPLY (SELECT TOP (1) m.TotalPhysicalMemory0 FROM dbo.v_GS_X86_PC_MEMORY AS m
                WHERE m.ResourceID = cs.ResourceID ORDER BY m.GroupID) AS mem
  OUTER APPLY (SELECT TOP (1) b.SerialNumber0 FROM dbo.v_GS_PC_BIOS AS b
                WHERE b.ResourceID = cs.ResourceID ORDER BY b.GroupID) AS bios
  LEFT OUTER JOIN dbo.v_R_System AS rsys ON rsys.ResourceID = cs.ResourceID
  OUTER APPLY (SELECT TOP (1) u.UniqueUserName FROM dbo.v_UserMachineRelationship AS u
                WHERE u.MachineResourceID = cs.ResourceID ORDER BY u.UniqueUserName) AS umr
  OUTER APPLY (SELECT TOP (1) o.Caption0 FROM dbo.v_GS_OPERATING_SYSTEM AS o
                WHERE o.ResourceID = cs.ResourceID ORDER BY o.GroupID) AS os
 ORDER BY cs.ResourceID`;

const SOFTWARE_SQL = `
SELECT ResourceID AS resource_id, DisplayName0 AS name, Version0 AS version, Publisher0 AS publisher
  FROM dbo.v_GS_ADD_REMOVE_PROGRAMS
 WHERE DisplayName0 IS NOT NULL AND DisplayName0 <> ''
UNION
SELECT ResourceID, DisplayName0, Version0, Publisher0
  FROM dbo.v_GS_ADD_REMOVE_PROGRAMS_64
 WHERE DisplayName0 IS NOT NULL AND DisplayName0 <> ''
 ORDER BY resource_id, name, version, publisher`;

const KNOWN: KnownQuery[] = [
  {
    sql: 'SELECT COUNT_BIG(*) AS computers FROM dbo.v_GS_COMPUTER_SYSTEM',
    views: ['v_GS_COMPUTER_SYSTEM'],
    run: (db) => ({ columns: [c('computers', 'bigint')], rows: countRows(db) }),
  },
  {
    sql: HARDWARE_SQL,
    views: ['v_GS_COMPUTER_SYSTEM', 'v_GS_PROCESSOR', 'v_GS_DISK', 'v_GS_NETWORK_ADAPTER_CONFIGURATION', 'v_GS_ENCRYPTABLE_VOLUME',
      'v_GS_AntimalwareHealthStatus', 'v_GS_X86_PC_MEMORY', 'v_GS_PC_BIOS', 'v_R_System', 'v_UserMachineRelationship', 'v_GS_OPERATING_SYSTEM'],
    run: (db) => ({ columns: HARDWARE_COLUMNS, rows: hardwareRows(db) }),
  },
  {
    sql: SOFTWARE_SQL,
    views: ['v_GS_ADD_REMOVE_PROGRAMS', 'v_GS_ADD_REMOVE_PROGRAMS_64'],
    run: (db) => ({
      columns: [c('resource_id', 'int'), c('name', 'nvarchar'), c('version', 'nvarchar'), c('publisher', 'nvarchar')],
      rows: softwareRows(db),
    }),
  },
];
const BY_TEXT = new Map(KNOWN.map((q) => [normalizeSql(q.sql), q]));

/** Answers a known query, or throws SqlError as SQL Server would (208 unknown object, 229 denied). */
export function runQuery(db: Database, sql: string): ResultSet {
  const query = BY_TEXT.get(normalizeSql(sql));
  if (!query) {
    throw new SqlError(50000, 1, 16, `TDS test server does not know this query: ${normalizeSql(sql).slice(0, 200)}`);
  }
  for (const view of query.views) {
    if (!db.tables[view]) throw new SqlError(208, 1, 16, `Invalid object name 'dbo.${view}'.`);
    if (db.denied.has(view)) {
      throw new SqlError(229, 5, 14, `The SELECT permission was denied on the object '${view}', database '${db.name}', schema 'dbo'.`);
    }
  }
  return query.run(db);
}

/** The SET statements tedious sends right after login. */
export function isSessionSetup(sql: string): boolean {
  const text = normalizeSql(sql);
  return /^set /i.test(text) && /\bset textsize \d+/i.test(text) && !/\b(select|from|insert|update|delete|exec)\b/i.test(text);
}
