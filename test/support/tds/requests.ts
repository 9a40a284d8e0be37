/**
 * Client requests after login: SQL batch (MS-TDS 2.2.6.7) and RPC (2.2.6.6). Both start with ALL_HEADERS.
 * RPC is decoded for sp_executesql (proc id 10), which is how tedious runs every parameterised query.
 */
export interface SqlRequest {
  kind: 'batch' | 'rpc';
  sql: string;
  params: Record<string, string | number | null>;
}

const SP_EXECUTESQL = 10;
const TYPE = { INTN: 0x26, NVARCHAR: 0xe7 } as const;

function skipAllHeaders(payload: Buffer): number {
  return payload.readUInt32LE(0);
}

export function parseSqlBatch(payload: Buffer): SqlRequest {
  return { kind: 'batch', sql: payload.subarray(skipAllHeaders(payload)).toString('ucs2'), params: {} };
}

class Cursor {
  constructor(
    readonly buf: Buffer,
    public at: number,
  ) {}
  u8(): number {
    return this.buf[this.at++];
  }
  u16(): number {
    const v = this.buf.readUInt16LE(this.at);
    this.at += 2;
    return v;
  }
  u32(): number {
    const v = this.buf.readUInt32LE(this.at);
    this.at += 4;
    return v;
  }
  bytes(n: number): Buffer {
    const v = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return v;
  }
}

function readNVarChar(c: Cursor): string | null {
  const maxLength = c.u16();
  c.bytes(5); // collation
  if (maxLength !== 0xffff) {
    const length = c.u16();
    return length === 0xffff ? null : c.bytes(length).toString('ucs2');
  }
  // PLP: total length (or unknown/null marker), then length-prefixed chunks up to a zero terminator
  const total = c.buf.readBigUInt64LE(c.at);
  c.at += 8;
  if (total === 0xffffffffffffffffn) return null;
  const chunks: Buffer[] = [];
  for (let n = c.u32(); n !== 0; n = c.u32()) chunks.push(c.bytes(n));
  return Buffer.concat(chunks).toString('ucs2');
}

function readIntN(c: Cursor): number | null {
  c.u8(); // declared size
  const length = c.u8();
  if (length === 0) return null;
  const data = c.bytes(length);
  if (length === 1) return data.readUInt8(0);
  if (length === 2) return data.readInt16LE(0);
  if (length === 4) return data.readInt32LE(0);
  return Number(data.readBigInt64LE(0));
}

export function parseRpc(payload: Buffer): SqlRequest {
  const c = new Cursor(payload, skipAllHeaders(payload));
  const nameLength = c.u16();
  const procId = nameLength === 0xffff ? c.u16() : -1;
  const procName = nameLength === 0xffff ? '' : c.bytes(nameLength * 2).toString('ucs2');
  if (procId !== SP_EXECUTESQL && procName.toLowerCase() !== 'sp_executesql') {
    throw new Error(`TDS test server: RPC to ${procName || `proc id ${procId}`} is not supported (only sp_executesql)`);
  }
  c.u16(); // option flags
  const params: Record<string, string | number | null> = {};
  while (c.at < payload.length) {
    const name = c.bytes(c.u8() * 2).toString('ucs2');
    c.u8(); // status flags
    const type = c.u8();
    if (type === TYPE.NVARCHAR) params[name] = readNVarChar(c);
    else if (type === TYPE.INTN) params[name] = readIntN(c);
    else throw new Error(`TDS test server: RPC parameter ${name} has unsupported type 0x${type.toString(16)}`);
  }
  const { '@statement': statement, ...rest } = params;
  if (typeof statement !== 'string') throw new Error('TDS test server: sp_executesql without @statement');
  return { kind: 'rpc', sql: statement, params: rest };
}
