/** The strongbox CLI as admins run it: a child process, value on stdin, exit codes 0 / 1 / 2. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/strongbox');
const SECRET = 'sb-SECRET-9c1e44';
let dir: string;

function strongbox(args: string[], extraEnv: Record<string, string> = {}, input = '') {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const env = { ...process.env, CONNECTOR_SECRETS_FILE: path.join(dir, 'secrets.enc'), CONNECTOR_SECRETS_PASSPHRASE: 'pass-phrase-1', ...extraEnv };
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strongbox-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('--version prints the package version and exits 0', async () => {
  const pkg = JSON.parse(fs.readFileSync(path.resolve(path.dirname(BIN), '../package.json'), 'utf8'));
  const r = await strongbox(['--version']);
  expect(r).toMatchObject({ code: 0 });
  expect(r.stdout.trim()).toBe(pkg.version);
});

test.each([
  [['--key=a', '--value'], /--connector is required/],
  [['--connector=a', '--value'], /--key is required/],
  [['--connector=a', '--key=b'], /exactly one of --value, --delete or --list/],
  [['--connector=a', '--key=b', '--value', '--list'], /exactly one of/],
  [['--connector=a', '--key=b', `--value=${SECRET}`], /do not put the secret on the command line/],
  [['--connector=a', '--key=b', '--value', '--backend=vault'], /vault backend is read-only.*vault kv put/],
  [['--connector=a', '--key=b', '--value', '--backend=cyberark'], /cyberark backend is read-only.*conjur variable set/],
  [['--connector=a', '--key=b', '--value', '--backend=hsm'], /unknown --backend "hsm"/],
  [['--bogus'], /unknown option/],
])('usage error %j exits 2', async (args, message) => {
  const r = await strongbox(args as string[], {}, 'value-x');
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(r.stdout + r.stderr).not.toContain(SECRET);
});

test('file backend round trip: piped value stored encrypted, names listed, deleted; the value never printed', async () => {
  const saved = await strongbox(['--connector=zendesk.abc', '--key=api_token', '--value', '--backend=file'], {}, `${SECRET}\n`);
  expect(saved.code).toBe(0);
  expect(saved.stdout).toContain(`saved in the secrets file ${path.join(dir, 'secrets.enc')}`);
  const file = path.join(dir, 'secrets.enc');
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  expect(fs.readFileSync(file, 'utf8')).not.toContain(SECRET);

  const { FileStore } = await import('../../src/secrets/file/fileStore.js');
  expect(await new FileStore({ file, passphrase: async () => 'pass-phrase-1' }).get('zendesk.abc', 'api_token')).toBe(SECRET);

  const listed = await strongbox(['--connector=zendesk.abc', '--list', '--backend=file'], { CONNECTOR_SECRETS_PASSPHRASE: '' });
  expect(listed).toMatchObject({ code: 0, stdout: 'api_token\n' }); // names need no passphrase

  const wrong = await strongbox(['--connector=zendesk.abc', '--key=other', '--value', '--backend=file'], { CONNECTOR_SECRETS_PASSPHRASE: 'nope' }, 'v');
  expect(wrong.code).toBe(2);
  expect(wrong.stderr).toContain('wrong passphrase');

  const deleted = await strongbox(['--connector=zendesk.abc', '--key=api_token', '--delete', '--backend=file']);
  expect(deleted.code).toBe(0);
  expect((await strongbox(['--connector=zendesk.abc', '--list', '--backend=file'])).stdout).toBe('');
  for (const r of [saved, listed, wrong, deleted]) expect(r.stdout + r.stderr).not.toContain(SECRET);
});

test('--secrets-file overrides the default path; no passphrase and no terminal is a clear error', async () => {
  const other = path.join(dir, 'nested', 'other.enc');
  expect((await strongbox(['--connector=a', '--key=b', '--value', '--backend=file', `--secrets-file=${other}`], {}, 'v-1')).code).toBe(0);
  expect(fs.existsSync(other)).toBe(true);
  expect(fs.existsSync(path.join(dir, 'secrets.enc'))).toBe(false);
  const none = await strongbox(['--connector=a', '--key=c', '--value', '--backend=file', `--secrets-file=${other}`], { CONNECTOR_SECRETS_PASSPHRASE: '' }, 'v-2');
  expect(none.code).toBe(2);
  expect(none.stderr).toContain('set CONNECTOR_SECRETS_PASSPHRASE');
});

test('an empty piped value stores nothing', async () => {
  const r = await strongbox(['--connector=a', '--key=b', '--value', '--backend=file'], {}, '\n');
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('empty value');
  expect(fs.existsSync(path.join(dir, 'secrets.enc'))).toBe(false);
});

test('on a terminal the value is prompted for without echo (pty via util-linux `script`)', async () => {
  const file = path.join(dir, 'secrets.enc');
  const out = await new Promise<{ code: number; text: string }>((resolve) => {
    const child = spawn('script', ['-qec', `${process.execPath} ${BIN} --connector=tty --key=pw --value --backend=file`, '/dev/null'], {
      env: { ...process.env, CONNECTOR_SECRETS_FILE: file, CONNECTOR_SECRETS_PASSPHRASE: 'pass-phrase-1' },
    });
    let text = '';
    let typed = false;
    child.stdout.on('data', (d: Buffer) => {
      text += d.toString();
      if (!typed && text.includes('Your secret:')) {
        typed = true;
        child.stdin.write(`${SECRET}\r`);
      }
    });
    child.on('close', (code) => resolve({ code: code ?? -1, text }));
  });
  expect(out.code).toBe(0);
  expect(out.text).toContain("Secret key 'pw' for 'tty' has been saved");
  expect(out.text).not.toContain(SECRET); // not echoed
  const { FileStore } = await import('../../src/secrets/file/fileStore.js');
  expect(await new FileStore({ file, passphrase: async () => 'pass-phrase-1' }).get('tty', 'pw')).toBe(SECRET);
});
