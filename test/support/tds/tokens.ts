/**
 * Writers for the response tokens this server sends (MS-TDS 2.2.7): LOGINACK, ENVCHANGE, COLMETADATA,
 * ROW, DONE/DONEPROC/DONEINPROC, RETURNSTATUS and ERROR. Only the column types the SCCM views use.
 */
export type ColumnType = 'int' | 'bigint' | 'nvarchar' | 'datetime' | 'bit';
export interface Column {
  name: string;
  type: ColumnType;
}
export type Value = number | bigint | string | boolean | Date | null;

const TOKEN = {
  COLMETADATA: 0x81,
  ERROR: 0xaa,
  LOGINACK: 0xad,
  ROW: 0xd1,
  ENVCHANGE: 0xe3,
  RETURNSTATUS: 0x79,
  DONE: 0xfd,
  DONEPROC: 0xfe,
  DONEINPROC: 0xff,
} as const;

export const DoneStatus = { FINAL: 0x00, MORE: 0x01, ERROR: 0x02, COUNT: 0x10, ATTN: 0x20 } as const;
/** CurCmd value SQL Server reports for a SELECT. */
export const CMD_SELECT = 0xc1;

/** Latin1_General_CI_AS, the default collation of an SCCM site database. */
const COLLATION = Buffer.from([0x09, 0x04, 0xd0, 0x00, 0x34]);
const NVARCHAR_MAX_BYTES = 8000;
const TYPE_ID = { INTN: 0x26, BITN: 0x68, DATETIMN: 0x6f, NVARCHAR: 0xe7 } as const;

function bVarchar(text: string): Buffer {
  const data = Buffer.from(text, 'ucs2');
  return Buffer.concat([Buffer.from([text.length]), data]);
}
function usVarchar(text: string): Buffer {
  const length = Buffer.alloc(2);
  length.writeUInt16LE(text.length);
  return Buffer.concat([length, Buffer.from(text, 'ucs2')]);
}
function withLength(token: number, body: Buffer): Buffer {
  const head = Buffer.alloc(3);
  head[0] = token;
  head.writeUInt16LE(body.length, 1);
  return Buffer.concat([head, body]);
}

export function loginAck(): Buffer {
  const progVersion = Buffer.from([15, 0, 0x07, 0xd0]);
  // interface 1 = SQL_TSQL; TDS version 7.4 is sent big-endian
  return withLength(TOKEN.LOGINACK, Buffer.concat([Buffer.from([1, 0x74, 0x00, 0x00, 0x04]), bVarchar('Microsoft SQL Server'), progVersion]));
}

export function envChangeDatabase(newName: string, oldName: string): Buffer {
  return withLength(TOKEN.ENVCHANGE, Buffer.concat([Buffer.from([1]), bVarchar(newName), bVarchar(oldName)]));
}
export function envChangePacketSize(size: number): Buffer {
  return withLength(TOKEN.ENVCHANGE, Buffer.concat([Buffer.from([4]), bVarchar(String(size)), bVarchar('4096')]));
}
export function envChangeCollation(): Buffer {
  return withLength(TOKEN.ENVCHANGE, Buffer.concat([Buffer.from([7, COLLATION.length]), COLLATION, Buffer.from([0])]));
}

export interface ServerError {
  number: number;
  state: number;
  severity: number;
  message: string;
}
export function errorToken(err: ServerError, serverName = 'SCCMSQL'): Buffer {
  const head = Buffer.alloc(6);
  head.writeInt32LE(err.number, 0);
  head[4] = err.state;
  head[5] = err.severity;
  const line = Buffer.alloc(4);
  line.writeInt32LE(1);
  return withLength(TOKEN.ERROR, Buffer.concat([head, usVarchar(err.message), bVarchar(serverName), bVarchar(''), line]));
}

function typeInfo(type: ColumnType): Buffer {
  switch (type) {
    case 'int':
      return Buffer.from([TYPE_ID.INTN, 4]);
    case 'bigint':
      return Buffer.from([TYPE_ID.INTN, 8]);
    case 'bit':
      return Buffer.from([TYPE_ID.BITN, 1]);
    case 'datetime':
      return Buffer.from([TYPE_ID.DATETIMN, 8]);
    case 'nvarchar': {
      const head = Buffer.from([TYPE_ID.NVARCHAR, 0, 0]);
      head.writeUInt16LE(NVARCHAR_MAX_BYTES, 1);
      return Buffer.concat([head, COLLATION]);
    }
  }
}

export function colMetadata(columns: readonly Column[]): Buffer {
  const parts: Buffer[] = [Buffer.from([TOKEN.COLMETADATA, 0, 0])];
  parts[0].writeUInt16LE(columns.length, 1);
  for (const column of columns) {
    const userTypeAndFlags = Buffer.alloc(6);
    userTypeAndFlags.writeUInt16LE(0x0001, 4); // nullable
    parts.push(userTypeAndFlags, typeInfo(column.type), bVarchar(column.name));
  }
  return Buffer.concat(parts);
}

const DAY_MS = 86_400_000;
const EPOCH_1900 = Date.UTC(1900, 0, 1);

function encodeValue(type: ColumnType, value: Value): Buffer {
  if (value === null) return type === 'nvarchar' ? Buffer.from([0xff, 0xff]) : Buffer.from([0]);
  switch (type) {
    case 'int': {
      const b = Buffer.alloc(5);
      b[0] = 4;
      b.writeInt32LE(Number(value), 1);
      return b;
    }
    case 'bigint': {
      const b = Buffer.alloc(9);
      b[0] = 8;
      b.writeBigInt64LE(BigInt(value as number | bigint), 1);
      return b;
    }
    case 'bit':
      return Buffer.from([1, value ? 1 : 0]);
    case 'datetime': {
      const ms = (value as Date).getTime() - EPOCH_1900;
      const days = Math.floor(ms / DAY_MS);
      const b = Buffer.alloc(9);
      b[0] = 8;
      b.writeInt32LE(days, 1);
      b.writeUInt32LE(Math.round(((ms - days * DAY_MS) * 300) / 1000), 5);
      return b;
    }
    case 'nvarchar': {
      const data = Buffer.from(String(value), 'ucs2');
      if (data.length > NVARCHAR_MAX_BYTES) throw new Error(`TDS test server: value too long for nvarchar(4000)`);
      const length = Buffer.alloc(2);
      length.writeUInt16LE(data.length);
      return Buffer.concat([length, data]);
    }
  }
}

export function row(columns: readonly Column[], values: readonly Value[]): Buffer {
  return Buffer.concat([Buffer.from([TOKEN.ROW]), ...columns.map((c, i) => encodeValue(c.type, values[i] ?? null))]);
}

function doneLike(token: number, status: number, curCmd: number, rowCount: number): Buffer {
  const b = Buffer.alloc(13);
  b[0] = token;
  b.writeUInt16LE(status, 1);
  b.writeUInt16LE(curCmd, 3);
  b.writeBigUInt64LE(BigInt(rowCount), 5);
  return b;
}
export const done = (status: number, curCmd = 0, rowCount = 0): Buffer => doneLike(TOKEN.DONE, status, curCmd, rowCount);
export const doneInProc = (status: number, curCmd = 0, rowCount = 0): Buffer => doneLike(TOKEN.DONEINPROC, status, curCmd, rowCount);
export const doneProc = (status: number, curCmd = 0, rowCount = 0): Buffer => doneLike(TOKEN.DONEPROC, status, curCmd, rowCount);

export function returnStatus(value: number): Buffer {
  const b = Buffer.alloc(5);
  b[0] = TOKEN.RETURNSTATUS;
  b.writeInt32LE(value, 1);
  return b;
}
