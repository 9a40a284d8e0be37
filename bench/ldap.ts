/**
 * LDAP benchmark (not a test): N users (default 50,000) in a private slapd with a 500-entry size limit.
 * 1. Source only: the `ldap` source reads every user (paged, page_size 500) in this process; prints
 *    records/s and this process's peak RSS.
 * 2. End to end: the real CLI (`connector upload ldap`) reads the same users and pushes them to the fake
 *    Oomnitza; prints records/s and the CLI's peak RSS. Skipped while `ldap` is not in src/sources/registry.ts.
 *
 *   npm run build && node dist/bench/ldap.js [users=50000]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HttpClient } from '../src/http/client.js';
import { getLogger } from '../src/logging.js';
import { ldap } from '../src/sources/ldap/index.js';
import { hasSource } from '../src/sources/registry.js';
import { startFakeOomnitza } from '../test/support/fakeOomnitza.js';
import { saveRow } from './results.js';
import { runConnector } from './runConnector.js';
import { startSlapd } from '../test/support/slapd.js';
import { READER, SUFFIX, buildDirectory, writeLdif } from '../test/fixtures/ldap/directory.js';

const users = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 50_000);
const FIELDS = ['uid', 'givenName', 'sn', 'mail', 'memberOf', 'objectSid', 'objectGUID'];

function settings(url: string) {
  const values: Record<string, unknown> = { url, username: READER.dn, password: READER.password, base_dn: SUFFIX, filter: '(objectClass=inetOrgPerson)' };
  return Object.fromEntries(Object.entries(ldap.settings).map(([k, s]) => [k, k in values ? values[k] : s.default])) as never;
}

async function sourceOnly(url: string): Promise<void> {
  const source = ldap.create(settings(url), {
    section: 'ldap',
    log: getLogger('bench/ldap'),
    signal: new AbortController().signal,
    tls: { verify: true },
    http: {} as HttpClient,
    configDir: process.cwd(),
    concurrency: 2,
    reportFailure: () => undefined,
  });
  const started = process.hrtime.bigint();
  let count = 0;
  for await (const record of source.read({ fields: FIELDS, allFields: false })) if (record.dn) count += 1;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const peakMb = process.resourceUsage().maxRSS / 1024;
  console.log(`source only: ${count} users in ${seconds.toFixed(2)} s = ${Math.round(count / seconds)} records/s, peak RSS ${peakMb.toFixed(0)} MB (reader process)`);
}

async function endToEnd(url: string, dir: string): Promise<void> {
  if (!hasSource('ldap')) {
    console.log('end to end: skipped, "ldap" is not registered in src/sources/registry.ts yet');
    return;
  }
  const oom = await startFakeOomnitza({ countOnly: true });
  try {
    fs.writeFileSync(
      path.join(dir, 'config.ini'),
      `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n[ldap]\nenable = True\nurl = ${url}\nusername = ${READER.dn}\npassword = ${READER.password}\n` +
        `base_dn = ${SUFFIX}\nfilter = (objectClass=inetOrgPerson)\nsync_field = USER\nuse_server_map = False\nbatch_size = 100\n`,
    );
    const r = await runConnector(['upload', 'ldap', '--ini', 'config.ini', '--workers', '4'], dir);
    if (r.code !== 0 && r.code !== 1) process.stderr.write(r.stderr);
    console.log(
      `end to end (CLI, 4 workers): ${users} users read, ${oom.recordCount} pushed in ${r.seconds.toFixed(2)} s = ` +
        `${Math.round(oom.recordCount / r.seconds)} records/s incl. startup, exit ${r.code}, peak RSS ${r.peakMb.toFixed(0)} MB, ` +
        `CPU ${((r.cpuMs ?? NaN) / 1000).toFixed(1)} s; load ${os.loadavg()[0].toFixed(2)}`,
    );
    saveRow({
      key: 'ldap.50k.rss', label: `LDAP ${users} users, CLI end to end: peak RSS`, value: Math.round(r.peakMb), unit: 'MB',
      target: { op: '<=', value: 150 }, ideal: 150, cpuMs: r.cpuMs, command: `node dist/bench/ldap.js ${users}`,
      note: `${oom.recordCount} pushed, ${Math.round(oom.recordCount / r.seconds)} records/s, exit ${r.code}`,
    });
  } finally {
    await oom.close();
  }
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'connector-bench-ldap-'));
  const ldif = path.join(dir, 'directory.ldif');
  let t = Date.now();
  writeLdif(ldif, buildDirectory(users));
  const server = await startSlapd({ ldifFile: ldif, suffix: SUFFIX, sizeLimit: 500 });
  console.log(`slapd with ${users} users ready in ${((Date.now() - t) / 1000).toFixed(1)} s (LDIF + slapadd + start)`);
  try {
    // In a child process, so that its peak RSS is the reader's and not the fixture generator's.
    await new Promise<void>((resolve) => {
      const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--read', server.url], { stdio: ['ignore', 'inherit', 'ignore'] });
      child.on('close', () => resolve());
    });
    await endToEnd(server.url, dir);
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const readIndex = process.argv.indexOf('--read');
if (readIndex > 0) await sourceOnly(process.argv[readIndex + 1]);
else await main();
