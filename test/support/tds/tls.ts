/**
 * TLS as SQL Server does it (MS-TDS 2.2.6.5 / 3.3.5.1): after PRELOGIN answers ENCRYPT_ON, the TLS handshake
 * travels inside PRELOGIN packets, one response message per client message; once it completes, TLS records
 * flow directly over TCP and every TDS packet is inside them. TLS 1.2 at most, as tedious negotiates.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Duplex } from 'node:stream';
import tls from 'node:tls';
import type { Socket } from 'node:net';
import { MessageWriter, PacketType } from './packets.js';

export interface TlsCredentials {
  key: string;
  cert: string;
  /** Path of the certificate file, for cacert_file. */
  certFile: string;
}

/** A throw-away self-signed certificate for 127.0.0.1/localhost, made with openssl in a temp dir. */
export function makeSelfSignedCert(): TlsCredentials {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tds-tls-'));
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
  return { key: fs.readFileSync(keyFile, 'utf8'), cert: fs.readFileSync(certFile, 'utf8'), certFile };
}

/** Two in-memory streams wired back to back: what one is written, the other reads. */
function duplexPair(): [Duplex, Duplex] {
  const sides: Duplex[] = [];
  const make = (other: () => Duplex): Duplex =>
    new Duplex({
      read() {},
      write(chunk: Buffer, _enc, cb) {
        other().push(chunk);
        cb();
      },
      final(cb) {
        other().push(null);
        cb();
      },
    });
  sides.push(make(() => sides[1]), make(() => sides[0]));
  return [sides[0], sides[1]];
}

/** Server side of the handshake on `socket`; `onSecure` receives the cleartext stream that carries TDS from then on. */
export class TlsHandshake {
  private readonly encrypted: Duplex;
  private pending: Buffer[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private wrapped = true;
  private secured = false;
  private readonly toRaw: () => void;

  constructor(
    private readonly socket: Socket,
    credentials: TlsCredentials,
    onSecure: (cleartext: tls.TLSSocket) => void,
  ) {
    const [tlsSide, encrypted] = duplexPair();
    this.encrypted = encrypted;
    const cleartext = new tls.TLSSocket(tlsSide as unknown as Socket, {
      isServer: true,
      secureContext: tls.createSecureContext({ key: credentials.key, cert: credentials.cert, maxVersion: 'TLSv1.2' }),
    });
    // A failed handshake ends with the TLS alert the engine wrote (protocol_version, ...), as SQL Server sends it.
    cleartext.on('error', () => {
      setTimeout(() => {
        clearTimeout(this.flushTimer);
        this.flush();
        socket.end();
      }, 5);
    });
    encrypted.on('data', (chunk: Buffer) => {
      if (!this.wrapped) {
        socket.write(chunk);
        return;
      }
      // one PRELOGIN message per handshake flight: collect what TLS writes in one go
      this.pending.push(chunk);
      clearTimeout(this.flushTimer);
      this.flushTimer = setTimeout(() => {
        this.flushTimer = undefined;
        this.flush();
      }, 5);
    });
    cleartext.once('secure', () => {
      this.secured = true;
      // the final flight (ChangeCipherSpec, Finished) leaves the TLS engine just after this event
      if (!this.flushTimer) {
        this.flushTimer = setTimeout(() => {
          this.flushTimer = undefined;
          this.flush();
        }, 5);
      }
    });
    this.toRaw = () => {
      this.wrapped = false;
      socket.on('data', (chunk: Buffer) => encrypted.write(chunk));
      onSecure(cleartext);
    };
  }

  /** Handshake bytes the client sent inside a PRELOGIN message. */
  feed(payload: Buffer): void {
    this.encrypted.write(payload);
  }

  /**
   * Sends the collected flight as one PRELOGIN message. After the handshake's last flight, the client talks
   * TLS directly over TCP, so input switches to raw in the same tick (before the client can answer).
   */
  private flush(): void {
    if (this.pending.length) {
      new MessageWriter(this.socket, PacketType.PRELOGIN, 4096).sendWhole(Buffer.concat(this.pending));
      this.pending = [];
    }
    if (this.secured && this.wrapped) this.toRaw();
  }
}
