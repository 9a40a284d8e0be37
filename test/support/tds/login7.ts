/**
 * LOGIN7 (MS-TDS 2.2.6.4): fixed fields, then (offset, length-in-characters) pairs pointing at UCS-2
 * strings. The password is obfuscated: each byte has its nibbles swapped and is XORed with 0xA5.
 */
export interface Login7 {
  tdsVersion: number;
  packetSize: number;
  userName: string;
  password: string;
  appName: string;
  serverName: string;
  database: string;
  /** fIntSecurity: the client wants integrated (SSPI/NTLM) authentication. */
  integratedSecurity: boolean;
  sspiLength: number;
}

const OPTION_FLAGS2 = 25;
const F_INT_SECURITY = 0x80;

function readString(payload: Buffer, pairAt: number): Buffer {
  const offset = payload.readUInt16LE(pairAt);
  const chars = payload.readUInt16LE(pairAt + 2);
  return payload.subarray(offset, offset + chars * 2);
}

function deobfuscate(bytes: Buffer): string {
  const out = Buffer.alloc(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] ^ 0xa5;
    out[i] = ((b & 0x0f) << 4) | (b >> 4);
  }
  return out.toString('ucs2');
}

export function parseLogin7(payload: Buffer): Login7 {
  return {
    tdsVersion: payload.readUInt32LE(4),
    packetSize: payload.readUInt32LE(8),
    userName: readString(payload, 40).toString('ucs2'),
    password: deobfuscate(readString(payload, 44)),
    appName: readString(payload, 48).toString('ucs2'),
    serverName: readString(payload, 52).toString('ucs2'),
    database: readString(payload, 68).toString('ucs2'),
    integratedSecurity: (payload[OPTION_FLAGS2] & F_INT_SECURITY) !== 0,
    sspiLength: payload.readUInt16LE(80),
  };
}
