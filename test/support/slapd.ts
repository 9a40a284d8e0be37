/**
 * A private OpenLDAP server for tests and benchmarks: its own temp directory, mdb database loaded with
 * slapadd before start, 127.0.0.1 on ephemeral ports, never the system service. The size limit is set
 * below the fixture size so that a search without paging fails and paging is proven.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeSelfSignedCert } from './httpTestServer.js';

const SLAPD = '/usr/sbin/slapd';
const SLAPADD = '/usr/sbin/slapadd';
const SCHEMA_DIR = '/etc/ldap/schema';
/** Source tree fixtures (this file runs from dist/test/support). */
const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/ldap');

export interface SlapdOptions {
  /** LDIF file loaded with slapadd before the server starts. */
  ldifFile: string;
  suffix: string;
  /** Server size limit for non-root binds (entries per search without paging). Default 500. */
  sizeLimit?: number;
  /** Allow anonymous binds and reads. Default true. */
  anonymous?: boolean;
  /** Also listen on ldaps:// and accept StartTLS, with a self-signed certificate made here. */
  tls?: boolean;
}

export interface Slapd {
  /** ldap://127.0.0.1:<port> */
  url: string;
  /** ldaps://127.0.0.1:<port> when tls was asked for. */
  ldapsUrl?: string;
  /** PEM of the self-signed certificate (its own CA) when tls was asked for. */
  caFile?: string;
  dir: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, stderr: () => string, timeoutMs = 15000): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`slapd exited with code ${child.exitCode}: ${stderr()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() - started > timeoutMs) throw new Error(`slapd did not listen on port ${port} within ${timeoutMs} ms: ${stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function config(dir: string, opts: SlapdOptions, tls?: { certFile: string; keyFile: string }): string {
  const sizeLimit = opts.sizeLimit ?? 500;
  const lines = [
    ...['core', 'cosine', 'inetorgperson', 'nis'].map((s) => `include ${SCHEMA_DIR}/${s}.schema`),
    `include ${path.join(FIXTURES, 'ad-subset.schema')}`,
    `pidfile ${path.join(dir, 'slapd.pid')}`,
    `argsfile ${path.join(dir, 'slapd.args')}`,
    'modulepath /usr/lib/ldap',
    'moduleload back_mdb',
    // prtotal=unlimited: paged searches may return everything, one page below the limit at a time.
    `sizelimit size.soft=${sizeLimit} size.hard=${sizeLimit} size.prtotal=unlimited`,
  ];
  if (tls) lines.push(`TLSCertificateFile ${tls.certFile}`, `TLSCertificateKeyFile ${tls.keyFile}`);
  if (opts.anonymous === false) lines.push('disallow bind_anon', 'require authc');
  lines.push(
    'database mdb',
    'maxsize 4294967296',
    `suffix "${opts.suffix}"`,
    `rootdn "cn=admin,${opts.suffix}"`,
    'rootpw admin-not-used',
    `directory ${path.join(dir, 'db')}`,
    'access to attrs=userPassword by anonymous auth by * none',
    'access to * by * read',
  );
  return `${lines.join('\n')}\n`;
}

export async function startSlapd(opts: SlapdOptions): Promise<Slapd> {
  if (!fs.existsSync(SLAPD) || !fs.existsSync(SLAPADD)) {
    throw new Error(`${SLAPD} not found: install the Debian packages "slapd ldap-utils" (apt-get install -y slapd ldap-utils)`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'connector-slapd-'));
  fs.mkdirSync(path.join(dir, 'db'));
  const cert = opts.tls ? makeSelfSignedCert(path.join(dir, 'tls')) : undefined;
  const conf = path.join(dir, 'slapd.conf');
  fs.writeFileSync(conf, config(dir, opts, cert));
  execFileSync(SLAPADD, ['-q', '-f', conf, '-l', opts.ldifFile], { stdio: 'pipe' });

  const port = await freePort();
  const tlsPort = opts.tls ? await freePort() : undefined;
  const urls = [`ldap://127.0.0.1:${port}/`, ...(tlsPort ? [`ldaps://127.0.0.1:${tlsPort}/`] : [])];
  // -d 0: stay in the foreground (so the test owns the process) without debug output.
  const child = spawn(SLAPD, ['-d', '0', '-h', urls.join(' '), '-f', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, child, () => stderr);
    if (tlsPort) await waitForPort(tlsPort, child, () => stderr);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url: `ldap://127.0.0.1:${port}`,
    ldapsUrl: tlsPort ? `ldaps://127.0.0.1:${tlsPort}` : undefined,
    caFile: cert?.certFile,
    dir,
    stop,
  };
}
