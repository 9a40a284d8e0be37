/**
 * Chaos suite, source faults (issue 18): an HTTP source answering 500 on page 7, a CSV with garbage rows, an LDAP
 * server killed mid-run. Each run reports the fault and exits 1, and every record already pulled is pushed: nothing
 * read before the fault is lost.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import { upload } from '../../src/cli/upload.js';
import type { CommonOptions } from '../../src/cli/options.js';
import { addLogTransport } from '../../src/logging.js';
import type { RunReport } from '../../src/pipeline/runReport.js';
import { startFakeOkta, type FakeOkta } from '../support/fakeOkta.js';
import { startFakeOomnitza, type FakeOomnitza } from '../support/fakeOomnitza.js';
import { startSlapd, type Slapd } from '../support/slapd.js';
import { READER, SUFFIX, buildDirectory, writeLdif } from '../fixtures/ldap/directory.js';
import { tempDir } from '../helpers/runCli.js';

function options(ini: string, report: string): CommonOptions {
  return { ini, loggingConfig: 'none.json', loggingConfigExplicit: false, workers: 2, showMappings: false, testmode: false, saveData: false, report };
}

/** Every log line of the run, to find what it reported. */
function captureLogs(): { lines: string[]; stop: () => void } {
  const lines: string[] = [];
  return { lines, stop: addLogTransport({ write: (_line, info) => lines.push(`${info.level}: ${info.message}`) }) };
}

async function run(dir: string, ini: string, section: string): Promise<{ code: number; report: RunReport['sections'][number]; logs: string[] }> {
  const iniFile = path.join(dir, 'config.ini');
  const reportFile = path.join(dir, 'report.json');
  fs.writeFileSync(iniFile, ini);
  const logs = captureLogs();
  let code: number;
  try {
    code = await upload([section], options(iniFile, reportFile), new AbortController().signal);
  } finally {
    logs.stop();
  }
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as RunReport;
  return { code, report: report.sections[0], logs: logs.lines };
}

let oom: FakeOomnitza;
beforeEach(async () => {
  oom = await startFakeOomnitza();
});
afterEach(async () => {
  await oom.close();
});

const oomSection = () => `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\nspool_dir = dead\n\n`;

describe('an HTTP source answering 500 on page 7', () => {
  let okta: FakeOkta;
  afterEach(async () => {
    jest.restoreAllMocks();
    await okta.close();
  });

  test('the run reports it and exits 1; the six pages read before it are all pushed', async () => {
    okta = await startFakeOkta({ users: 20, maxLimit: 2 });
    okta.failPage(6, { status: 500, times: 99 });
    // The kit's full-jitter backoff draws each wait from Math.random: near-zero waits keep the four attempts fast.
    jest.spyOn(Math, 'random').mockReturnValue(0.001);
    const dir = tempDir();
    const ini = `${oomSection()}[okta]\nenable = True\nurl = ${okta.url}\napi_token = ${okta.token}\ndefault_role = 25\ndefault_position = Employee\nsync_field = USER\nbatch_size = 5\n`;
    const { code, report, logs } = await run(dir, ini, 'okta');
    expect(code).toBe(1);
    expect(report.fatal).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/users failed: HTTP 500/);
    expect(logs.join('\n')).toMatch(/\[okta\].*HTTP 500/);
    // Pages 1..6: twelve users, each pushed once; nothing read is lost.
    const listed = okta.listed().slice(0, 12).map((u) => u.profile.login);
    expect(report.pulled).toBe(12);
    expect(report.pushed).toBe(12);
    expect(report.failed).toBe(0);
    expect(oom.records('Okta').map((r) => r.USER).sort()).toEqual([...listed].sort());
  });
});

describe('a CSV with garbage rows', () => {
  test.each([['LF', '\n'], ['CRLF', '\r\n']])('each bad row is reported by file:line, the good ones are pushed, exit 1 (%s)', async (_name, eol) => {
    const rows = ['serial,name'];
    for (let i = 0; i < 30; i++) rows.push(`S${i},name ${i}`);
    rows[6] = 'S5,"a"b"'; // a quote inside an unquoted field
    rows[12] = 'S11,too,many,fields';
    rows[20] = 'S19'; // too few fields
    rows[3] = `S2,"two${eol}lines"`; // a quoted newline: the rows after it start one physical line later
    const dir = tempDir({ 'assets.csv': `${rows.join(eol)}${eol}` });
    const ini = `${oomSection()}[csv_assets]\nenable = True\nfilename = assets.csv\nsync_field = SERIAL_NUMBER\nbatch_size = 7\nmapping.SERIAL_NUMBER = serial\nmapping.NAME = name\n`;
    const { code, report, logs } = await run(dir, ini, 'csv_assets');
    expect(code).toBe(1);
    const text = logs.join('\n');
    for (const line of [8, 14, 22]) expect(text).toContain(`assets.csv:${line}`);
    const pushed = oom.records('CSV_assets').map((r) => String(r.SERIAL_NUMBER));
    const good = Array.from({ length: 30 }, (_, i) => `S${i}`).filter((s) => !['S5', 'S11', 'S19'].includes(s));
    expect(pushed.sort()).toEqual(good.sort());
    expect(report.pushed).toBe(27);
    expect(report).toMatchObject({ pulled: 27, failed: 3 });
  });
});

describe('an LDAP server killed mid-run', () => {
  let slapd: Slapd | undefined;
  let proxy: net.Server | undefined;
  let tmp: string;
  afterEach(async () => {
    await slapd?.stop();
    await new Promise((r) => (proxy ? proxy.close(r) : r(undefined)));
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('the run reports it and exits 1; every user read before the kill is pushed', async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-ldap-'));
    writeLdif(path.join(tmp, 'directory.ldif'), buildDirectory(400));
    slapd = await startSlapd({ ldifFile: path.join(tmp, 'directory.ldif'), suffix: SUFFIX, sizeLimit: 100, anonymous: false });
    const target = new URL(slapd.url);
    // A relay in front of slapd: once ~40 kB of answers went through (a few pages), slapd is killed for real.
    let relayed = 0;
    let killed: Promise<void> | undefined;
    const server = slapd;
    proxy = net.createServer((client) => {
      const upstream = net.connect(Number(target.port), target.hostname);
      client.on('data', (d) => upstream.write(d));
      upstream.on('data', (d) => {
        relayed += d.length;
        client.write(d);
        if (relayed > 40_000 && !killed) killed = server.stop();
      });
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
    });
    await new Promise<void>((r) => proxy!.listen(0, '127.0.0.1', r));
    const port = (proxy.address() as net.AddressInfo).port;
    const dir = tempDir();
    const ini = `${oomSection()}[ldap]\nenable = True\nurl = ldap://127.0.0.1:${port}\nusername = ${READER.dn}\npassword = ${READER.password}\n` +
      `base_dn = ${SUFFIX}\nfilter = (objectClass=inetOrgPerson)\npage_size = 20\ndefault_role = 31\nsync_field = USER\nbatch_size = 10\n`;
    const { code, report, logs } = await run(dir, ini, 'ldap');
    await killed;
    slapd = undefined;
    expect(killed).toBeDefined();
    expect(code).toBe(1);
    expect(report.fatal).toBeTruthy();
    expect(logs.join('\n')).toContain(report.fatal as string);
    expect(report.pulled).toBeGreaterThan(0);
    expect(report.pulled).toBeLessThan(400);
    // Every user read is pushed (or skipped for a missing mail, as the mapping requires), none twice.
    const users = oom.records('LDAP').map((r) => String(r.USER));
    expect(new Set(users).size).toBe(users.length);
    expect(report.pushed).toBe(users.length);
    expect(report.pushed + report.skipped).toBe(report.pulled);
    expect(report.failed).toBe(0);
  });
});
