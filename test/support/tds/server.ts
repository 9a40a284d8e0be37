/**
 * A SQL Server stand-in that speaks enough TDS 7.4 for the real tedious/mssql client: PRELOGIN (TLS when
 * given a certificate and the client asks for encryption, else ENCRYPT_NOT_SUP),
 * LOGIN7 with SQL authentication, SQL batches and sp_executesql RPCs answered from the table model,
 * and ATTENTION (cancel / timeout). Integrated (NTLM) logins are refused as an untrusted domain.
 * Binds 127.0.0.1 on an ephemeral port.
 */
import net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { MessageReader, MessageWriter, PacketType, type Message } from './packets.js';
import { buildPreloginResponse, Encryption, parsePrelogin } from './prelogin.js';
import { TlsHandshake, type TlsCredentials } from './tls.js';
import { parseLogin7, type Login7 } from './login7.js';
import { parseRpc, parseSqlBatch, type SqlRequest } from './requests.js';
import { isSessionSetup, normalizeSql, runQuery, SqlError } from './queries.js';
import * as tok from './tokens.js';
import type { Database } from './tables.js';

export interface TdsServerOptions {
  databases: Database[];
  /** SQL logins: user name -> password. */
  logins: Record<string, string>;
  /** Queries for which the server never answers (until the client sends ATTENTION): simulates a stuck query. */
  hang?: (sql: string) => boolean;
  /** Certificate and key: offer TLS to clients that ask for encryption. */
  tls?: TlsCredentials;
}

export interface LoginRecord {
  userName: string;
  database: string;
  appName: string;
  /** ENCRYPTION option the client sent in PRELOGIN (0 off, 1 on, 2 not supported). */
  clientEncryption: number;
  integratedSecurity: boolean;
  /** The login (and everything after it) travelled inside TLS. */
  encrypted: boolean;
  /** TLS version of the connection ('TLSv1.2'), when encrypted. */
  tlsProtocol?: string;
  ok: boolean;
}

export interface TdsServer {
  host: string;
  port: number;
  /** Every query after login, whitespace-normalised, in arrival order (session SET batches excluded). */
  queries: string[];
  logins: LoginRecord[];
  attentions: number;
  /** ROW tokens written to sockets so far (all connections): shows how far ahead of the client the server is. */
  rowsSent: number;
  close(): Promise<void>;
}

const LOGIN_FAILED = (user: string): tok.ServerError => ({ number: 18456, state: 1, severity: 14, message: `Login failed for user '${user}'.` });

export async function startTdsServer(options: TdsServerOptions): Promise<TdsServer> {
  const sockets = new Set<Socket>();
  const state: TdsServer = { host: '127.0.0.1', port: 0, queries: [], logins: [], attentions: 0, rowsSent: 0, close: async () => {} };
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    new ClientSession(socket, options, state);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return state;
}

class ClientSession {
  private queue: Promise<void> = Promise.resolve();
  private packetSize = 4096;
  private clientEncryption = 2;
  private db: Database | undefined;
  private busy = false;
  private attention = false;
  private hung = false;
  /** Where TDS is written: the TCP socket, or the TLS cleartext stream once TLS is up. */
  private io: Socket;
  private handshake: TlsHandshake | undefined;
  private encrypted = false;
  private tlsProtocol: string | undefined;
  private readonly reader = new MessageReader((m) => this.onMessage(m));
  private readonly onData = (chunk: Buffer): void => {
    try {
      this.reader.push(chunk);
    } catch {
      this.socket.destroy();
    }
  };

  constructor(
    private readonly socket: Socket,
    private readonly options: TdsServerOptions,
    private readonly state: TdsServer,
  ) {
    this.io = socket;
    socket.on('data', this.onData);
  }

  private prelogin(payload: Buffer): void {
    if (this.handshake) return this.handshake.feed(payload);
    this.clientEncryption = parsePrelogin(payload).encryption;
    const credentials = this.options.tls;
    const useTls = credentials !== undefined && (this.clientEncryption === Encryption.ON || this.clientEncryption === Encryption.REQ);
    this.send(buildPreloginResponse(useTls ? Encryption.ON : Encryption.NOT_SUP));
    if (!useTls) return;
    this.handshake = new TlsHandshake(this.socket, credentials, (cleartext) => {
      this.socket.off('data', this.onData);
      this.io = cleartext;
      this.encrypted = true;
      this.tlsProtocol = cleartext.getProtocol() ?? undefined;
      cleartext.on('data', this.onData);
    });
  }

  private onMessage(message: Message): void {
    if (message.type === PacketType.ATTENTION) {
      this.state.attentions++;
      // Handled out of band: a running result stops at the next row and its message is ended, then acknowledged.
      // A hung request gets an (empty) end of its response first: the client reads the acknowledgement as the
      // message after the interrupted response, as MS-TDS 2.2.1.7 lets it.
      if (this.busy) this.attention = true;
      else {
        if (this.hung) this.send(tok.done(tok.DoneStatus.FINAL));
        this.hung = false;
        this.sendAttentionAck();
      }
      return;
    }
    this.queue = this.queue.then(() => this.handle(message)).catch(() => void this.socket.destroy());
  }

  private async handle(message: Message): Promise<void> {
    switch (message.type) {
      case PacketType.PRELOGIN:
        return this.prelogin(message.payload);
      case PacketType.LOGIN7:
        return this.login(parseLogin7(message.payload));
      case PacketType.SQL_BATCH:
        return this.execute(() => parseSqlBatch(message.payload));
      case PacketType.RPC_REQUEST:
        return this.execute(() => parseRpc(message.payload));
      default:
        throw new Error(`TDS test server: unsupported packet type 0x${message.type.toString(16)}`);
    }
  }

  private send(payload: Buffer): void {
    new MessageWriter(this.io, PacketType.TABULAR_RESULT, this.packetSize).sendWhole(payload);
  }

  private sendAttentionAck(): void {
    this.send(tok.done(tok.DoneStatus.ATTN));
  }

  private login(login: Login7): void {
    const record: LoginRecord = {
      userName: login.userName,
      database: login.database,
      appName: login.appName,
      clientEncryption: this.clientEncryption,
      integratedSecurity: login.integratedSecurity,
      encrypted: this.encrypted,
      tlsProtocol: this.tlsProtocol,
      ok: false,
    };
    this.state.logins.push(record);
    const fail = (...errors: tok.ServerError[]): void => {
      this.send(Buffer.concat([...errors.map((e) => tok.errorToken(e)), tok.done(tok.DoneStatus.ERROR)]));
      this.io.end();
    };
    if (login.integratedSecurity) {
      return fail({
        number: 18452,
        state: 1,
        severity: 14,
        message: 'Login failed. The login is from an untrusted domain and cannot be used with Integrated authentication.',
      });
    }
    if (this.options.logins[login.userName] === undefined || this.options.logins[login.userName] !== login.password) {
      return fail(LOGIN_FAILED(login.userName));
    }
    const dbName = login.database || this.options.databases[0]?.name || 'master';
    this.db = this.options.databases.find((d) => d.name.toLowerCase() === dbName.toLowerCase());
    if (!this.db) {
      return fail(
        { number: 4060, state: 1, severity: 11, message: `Cannot open database "${dbName}" requested by the login. The login failed.` },
        LOGIN_FAILED(login.userName),
      );
    }
    this.packetSize = login.packetSize || 4096;
    record.ok = true;
    this.send(
      Buffer.concat([
        tok.envChangeDatabase(this.db.name, 'master'),
        tok.envChangeCollation(),
        tok.loginAck(),
        tok.envChangePacketSize(this.packetSize),
        tok.done(tok.DoneStatus.FINAL),
      ]),
    );
  }

  private async execute(parse: () => SqlRequest): Promise<void> {
    const db = this.db;
    if (!db) throw new Error('TDS test server: request before login');
    let request: SqlRequest;
    try {
      request = parse();
    } catch (err) {
      return this.sendError(new SqlError(50000, 1, 16, (err as Error).message), 'batch');
    }
    if (request.kind === 'batch' && isSessionSetup(request.sql)) return this.send(tok.done(tok.DoneStatus.FINAL));
    this.state.queries.push(normalizeSql(request.sql));
    if (this.options.hang?.(request.sql)) {
      this.hung = true; // answered only when the client sends ATTENTION
      return;
    }
    this.busy = true;
    this.attention = false;
    try {
      await this.stream(db, request);
    } finally {
      this.busy = false;
    }
    if (this.attention) {
      this.attention = false;
      this.sendAttentionAck();
    }
  }

  private sendError(err: SqlError, kind: SqlRequest['kind']): void {
    const error = tok.errorToken({ number: err.number, state: err.state, severity: err.severity, message: err.message });
    this.send(
      kind === 'batch'
        ? Buffer.concat([error, tok.done(tok.DoneStatus.ERROR)])
        : Buffer.concat([error, tok.doneInProc(tok.DoneStatus.ERROR | tok.DoneStatus.MORE), tok.returnStatus(0), tok.doneProc(tok.DoneStatus.ERROR)]),
    );
  }

  private async stream(db: Database, request: SqlRequest): Promise<void> {
    let result;
    try {
      result = runQuery(db, request.sql);
    } catch (err) {
      if (err instanceof SqlError) return this.sendError(err, request.kind);
      throw err;
    }
    const w = new MessageWriter(this.io, PacketType.TABULAR_RESULT, this.packetSize);
    await w.write(tok.colMetadata(result.columns));
    let count = 0;
    for (const values of result.rows) {
      if (this.attention || this.io.destroyed) break;
      await w.write(tok.row(result.columns, values));
      count++;
      this.state.rowsSent++;
    }
    const status = tok.DoneStatus.COUNT;
    if (request.kind === 'batch') await w.write(tok.done(status, tok.CMD_SELECT, count));
    else await w.write(Buffer.concat([tok.doneInProc(status | tok.DoneStatus.MORE, tok.CMD_SELECT, count), tok.returnStatus(0), tok.doneProc(tok.DoneStatus.FINAL)]));
    w.end();
  }
}
