/**
 * PRELOGIN (MS-TDS 2.2.6.5): a table of (token, offset, length) options followed by their data.
 * The server answers ENCRYPT_ON (then TLS for the whole connection) or ENCRYPT_NOT_SUP.
 */
const TOKEN = { VERSION: 0x00, ENCRYPTION: 0x01, INSTOPT: 0x02, THREADID: 0x03, MARS: 0x04, TERMINATOR: 0xff } as const;
export const Encryption = { OFF: 0x00, ON: 0x01, NOT_SUP: 0x02, REQ: 0x03 } as const;

export interface ClientPrelogin {
  encryption: number;
}

export function parsePrelogin(payload: Buffer): ClientPrelogin {
  let encryption: number = Encryption.NOT_SUP;
  for (let at = 0; at < payload.length && payload[at] !== TOKEN.TERMINATOR; at += 5) {
    const offset = payload.readUInt16BE(at + 1);
    if (payload[at] === TOKEN.ENCRYPTION) encryption = payload[offset];
  }
  return { encryption };
}

export function buildPreloginResponse(encryption: number): Buffer {
  const options: Array<[number, Buffer]> = [
    // SQL Server 2019 (15.0.2000)
    [TOKEN.VERSION, Buffer.from([15, 0, 0x07, 0xd0, 0, 0])],
    [TOKEN.ENCRYPTION, Buffer.from([encryption])],
    [TOKEN.INSTOPT, Buffer.from([0])],
    [TOKEN.THREADID, Buffer.alloc(0)],
    [TOKEN.MARS, Buffer.from([0])],
  ];
  const tableLength = options.length * 5 + 1;
  const table = Buffer.alloc(tableLength);
  let dataOffset = tableLength;
  options.forEach(([token, data], i) => {
    table[i * 5] = token;
    table.writeUInt16BE(dataOffset, i * 5 + 1);
    table.writeUInt16BE(data.length, i * 5 + 3);
    dataOffset += data.length;
  });
  table[tableLength - 1] = TOKEN.TERMINATOR;
  return Buffer.concat([table, ...options.map(([, data]) => data)]);
}
