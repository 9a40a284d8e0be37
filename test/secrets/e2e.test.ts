/**
 * End to end through the built CLIs with a real gnome-keyring: strongbox stores [oomnitza] api_token and a
 * source secret, `connector upload` reads them from the keyring only, and no output or saved file contains them.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, runCli, tempDir } from '../helpers/runCli.js';
import { startFakeOomnitza, type FakeOomnitza } from '../support/fakeOomnitza.js';
import { startKeyringSession, type BusSession } from '../support/keyringSession.js';

const TOKEN = 'oom-SECRET-token-5521a';
const SOURCE_SECRET = 'src-SECRET-pass-77c2';
let session: BusSession;
let oom: FakeOomnitza;

function strongbox(args: string[], input: string) {
  return new Promise<{ code: number; out: string }>((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'strongbox'), ...args], {
      env: { ...process.env, ...session.env },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
    child.stdin.end(input);
  });
}

beforeAll(async () => {
  session = await startKeyringSession();
  oom = await startFakeOomnitza({ token: TOKEN });
});
afterAll(async () => {
  await oom?.close();
  await session?.stop();
});

const CONFIG = (url: string) => `[oomnitza]
url = ${url}
vault_backend = keyring
vault_keys = api_token

[csv_assets]
enable = True
filename = assets.csv
sync_field = SERIAL_NUMBER
vault_keys = password
mapping.SERIAL_NUMBER = {"source": "serial", "required": true}
mapping.NAME = name
mapping.NOTES = notes
`;
// The source secret also appears in the data, so a leak through records would show up in the outputs too.
const CSV = `serial,name,notes\nS1,alpha,${SOURCE_SECRET}\nS2,beta,plain\n`;

function allText(dir: string, res: { stdout: string; stderr: string }): string {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name !== 'assets.csv') files.push(fs.readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return [res.stdout, res.stderr, ...files].join('\n');
}

test('a missing keyring secret stops the run with exit 2 and the exact strongbox command', async () => {
  const dir = tempDir({ 'config.ini': CONFIG(oom.url), 'assets.csv': CSV });
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir, env: session.env });
  expect(res.code).toBe(2);
  expect(res.stderr).toContain('strongbox --connector=oomnitza --key=api_token --value');
  expect(res.stderr).toContain('strongbox --connector=csv_assets --key=password --value');
  expect(oom.bulkRequests).toHaveLength(0);
});

test('upload with api_token and a source secret only in the keyring; no output or saved file contains them', async () => {
  expect((await strongbox(['--connector=oomnitza', '--key=api_token', '--value'], TOKEN)).code).toBe(0);
  expect((await strongbox(['--connector=csv_assets', '--key=password', '--value'], `${SOURCE_SECRET}\n`)).code).toBe(0);

  const dir = tempDir({ 'config.ini': CONFIG(oom.url), 'assets.csv': CSV });
  const upload = await runCli(['upload', 'csv_assets', '--ini', 'config.ini', '--save-data'], { cwd: dir, env: session.env });
  expect(upload.stderr).toMatch(/pushed 2/);
  expect(upload.code).toBe(0);
  expect(oom.records().map((r) => r.SERIAL_NUMBER)).toEqual(['S1', 'S2']); // the fake accepted the keyring token

  const testmode = await runCli(['upload', 'csv_assets', '--ini', 'config.ini', '--testmode', '--show-mappings', '--save-data'], {
    cwd: dir,
    env: session.env,
  });
  expect(testmode.code).toBe(0);
  expect(testmode.stdout).toContain('S1');
  const everything = allText(dir, upload) + allText(dir, testmode);
  expect(fs.readdirSync(path.join(dir, "save_data")).length).toBeGreaterThan(0); // the grep covers real files
  expect(testmode.stdout).toContain("***"); // the secret in the data was there, and was redacted
  expect(everything).not.toContain(TOKEN);
  expect(everything).not.toContain(SOURCE_SECRET);
});
