/**
 * TDS packet framing (MS-TDS 2.2.3): an 8-byte header (type, status, big-endian length, SPID, packet id,
 * window) before each packet; a message is the packets up to the one whose status has END_OF_MESSAGE.
 */
import type { Socket } from 'node:net';

export const PacketType = {
  SQL_BATCH: 0x01,
  RPC_REQUEST: 0x03,
  TABULAR_RESULT: 0x04,
  ATTENTION: 0x06,
  LOGIN7: 0x10,
  NTLM_AUTH: 0x11,
  PRELOGIN: 0x12,
} as const;

const HEADER_LENGTH = 8;
const STATUS_EOM = 0x01;

export interface Message {
  type: number;
  payload: Buffer;
}

/** Reassembles messages from socket data; calls `onMessage` once per complete message. */
export class MessageReader {
  private pending: Buffer = Buffer.alloc(0);
  private parts: Buffer[] = [];

  constructor(private readonly onMessage: (message: Message) => void) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.pending.length >= HEADER_LENGTH) {
      const length = this.pending.readUInt16BE(2);
      if (length < HEADER_LENGTH) throw new Error(`TDS test server: bad packet length ${length}`);
      if (this.pending.length < length) return;
      const type = this.pending[0];
      const status = this.pending[1];
      this.parts.push(this.pending.subarray(HEADER_LENGTH, length));
      this.pending = this.pending.subarray(length);
      if (status & STATUS_EOM) {
        const payload = Buffer.concat(this.parts);
        this.parts = [];
        this.onMessage({ type, payload });
      }
    }
  }
}

/**
 * Writes one outgoing message as packets of at most `packetSize` bytes, honouring socket backpressure so
 * that a large result set is produced only as fast as the client reads it.
 */
export class MessageWriter {
  private buffered: Buffer[] = [];
  private bufferedLength = 0;
  private packetId = 1;

  constructor(
    private readonly socket: Socket,
    private readonly type: number,
    private readonly packetSize: number,
  ) {}

  /** Appends token bytes; full packets are sent as they fill. Await it to respect backpressure. */
  async write(data: Buffer): Promise<void> {
    this.buffered.push(data);
    this.bufferedLength += data.length;
    const bodySize = this.packetSize - HEADER_LENGTH;
    while (this.bufferedLength > bodySize) {
      const all = Buffer.concat(this.buffered);
      const body = all.subarray(0, bodySize);
      this.buffered = [all.subarray(bodySize)];
      this.bufferedLength = all.length - bodySize;
      if (!this.sendPacket(body, false)) await waitForDrain(this.socket);
    }
  }

  /** A small message sent at once, ignoring backpressure (handshakes, login replies, errors). */
  sendWhole(data: Buffer): void {
    const bodySize = this.packetSize - HEADER_LENGTH;
    let at = 0;
    while (data.length - at > bodySize) {
      this.sendPacket(data.subarray(at, at + bodySize), false);
      at += bodySize;
    }
    this.sendPacket(data.subarray(at), true);
  }

  end(): void {
    this.sendPacket(Buffer.concat(this.buffered), true);
    this.buffered = [];
    this.bufferedLength = 0;
  }

  private sendPacket(body: Buffer, last: boolean): boolean {
    if (this.socket.destroyed) return true;
    const header = Buffer.alloc(HEADER_LENGTH);
    header[0] = this.type;
    header[1] = last ? STATUS_EOM : 0;
    header.writeUInt16BE(body.length + HEADER_LENGTH, 2);
    header.writeUInt16BE(0x35, 4); // SPID
    header[6] = this.packetId++ % 256;
    header[7] = 0;
    return this.socket.write(Buffer.concat([header, body]));
  }
}

function waitForDrain(socket: Socket): Promise<void> {
  if (socket.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}
