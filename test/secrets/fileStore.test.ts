import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileStore } from '../../src/secrets/file/fileStore.js';
import { SecretStoreError } from '../../src/secrets/writable.js';

const FAST_KDF = { N: 1 << 10, r: 8, p: 1 };
let dir: string;
const store = (passphrase = 'correct horse', file = path.join(dir, 'sub', 'secrets.enc')) =>
  new FileStore({ file, passphrase: async () => passphrase, kdf: FAST_KDF });

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'filestore-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('round trip: values come back, names list, the file holds no plaintext and is 0600', async () => {
  const s = store();
  await s.set('zendesk.abc', 'api_token', 'tok-SECRET-123');
  await s.set('zendesk.abc', 'password', 'pw-SECRET-456');
  await s.set('oomnitza', 'api_token', 'oom-SECRET-789');
  const fresh = store();
  expect(await fresh.get('zendesk.abc', 'api_token')).toBe('tok-SECRET-123');
  expect(await fresh.get('zendesk.abc', 'password')).toBe('pw-SECRET-456');
  expect(await fresh.get('zendesk.abc', 'nope')).toBeUndefined();
  expect(await fresh.get('other', 'api_token')).toBeUndefined();
  expect(await fresh.listKeys('zendesk.abc')).toEqual(['api_token', 'password']);
  expect(await fresh.listAliases()).toEqual(['oomnitza', 'zendesk.abc']);
  const text = fs.readFileSync(fresh.file, 'utf8');
  expect(text).not.toContain('SECRET');
  expect(fs.statSync(fresh.file).mode & 0o777).toBe(0o600);
  expect(fs.readdirSync(path.dirname(fresh.file))).toEqual(['secrets.enc']); // no temp files left behind
});

test('a missing file reads as "no secrets" and delete reports what it removed', async () => {
  const s = store();
  expect(await s.get('a', 'b')).toBeUndefined();
  expect(await s.listKeys('a')).toEqual([]);
  await s.set('a', 'b', 'value-1');
  expect(await s.delete('a', 'b')).toBe(true);
  expect(await s.delete('a', 'b')).toBe(false);
  expect(await store().get('a', 'b')).toBeUndefined();
});

test('a wrong passphrase is a clear config error, for reads and for writes', async () => {
  await store().set('a', 'b', 'value-1');
  await expect(store('wrong').get('a', 'b')).rejects.toThrow(/wrong passphrase for secrets file .*CONNECTOR_SECRETS_PASSPHRASE/);
  await expect(store('wrong').set('a', 'c', 'x')).rejects.toMatchObject({ kind: 'config' });
  expect(await store().get('a', 'b')).toBe('value-1');
});

test('tampering is detected: an edited value and a value moved to another name both fail', async () => {
  const s = store();
  await s.set('a', 'b', 'value-1');
  await s.set('a', 'c', 'value-2');
  const doc = JSON.parse(fs.readFileSync(s.file, 'utf8'));
  doc.secrets.a.c = doc.secrets.a.b; // swap: right key, wrong name
  fs.writeFileSync(s.file, JSON.stringify(doc));
  await expect(store().get('a', 'c')).rejects.toThrow(/was altered/);
  expect(await store().get('a', 'b')).toBe('value-1');
});

test('a file that is not ours is named in the error', async () => {
  const file = path.join(dir, 'x.enc');
  fs.writeFileSync(file, '{"hello": 1}');
  await expect(store('p', file).get('a', 'b')).rejects.toThrow(`secrets file ${file} is damaged or not a connector secrets file: it has no "format": "connector-secrets"`);
  fs.writeFileSync(file, 'not json');
  await expect(store('p', file).get('a', 'b')).rejects.toBeInstanceOf(SecretStoreError);
});

test('the default cost parameters are stored in the file and used on read', async () => {
  const file = path.join(dir, 'default.enc');
  const s = new FileStore({ file, passphrase: async () => 'pass' });
  await s.set('a', 'b', 'v1');
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  expect(doc.kdf).toMatchObject({ name: 'scrypt', N: 32768, r: 8, p: 1 });
  expect(Buffer.from(doc.kdf.salt, 'base64')).toHaveLength(16);
  expect(await new FileStore({ file, passphrase: async () => 'pass', kdf: FAST_KDF }).get('a', 'b')).toBe('v1');
});

/** A valid file (new each time) written with FAST_KDF, then edited by `edit` as a hostile or clumsy hand would. */
async function tampered(edit: (doc: any) => void): Promise<string> {
  const file = path.join(dir, 'sub', 'secrets.enc');
  fs.rmSync(file, { force: true });
  await store().set('a', 'b', 'value-1');
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  edit(doc);
  fs.writeFileSync(file, JSON.stringify(doc));
  return file;
}

test('a truncated GCM tag (4 bytes, which Node would accept) is refused, for values and for the passphrase check', async () => {
  const short = (sealed: { tag: string }) => (sealed.tag = Buffer.from(sealed.tag, 'base64').subarray(0, 4).toString('base64'));
  let file = await tampered((doc) => short(doc.secrets.a.b));
  await expect(store().get('a', 'b')).rejects.toThrow(`secrets file ${file} is damaged or not a connector secrets file: the authentication tag of the value of a/b is 4 bytes, not 16`);
  file = await tampered((doc) => short(doc.check));
  await expect(store().get('a', 'b')).rejects.toThrow(`secrets file ${file} is damaged or not a connector secrets file: the authentication tag of the passphrase check is 4 bytes, not 16`);
});

test('scrypt parameters from the file are bounded: a tampered header costs no memory or time', async () => {
  const cases: Array<[object, RegExp]> = [
    [{ N: 1 << 24, r: 8, p: 1 }, /N=16777216, r=8, p=1 are outside what connector writes \(N=32768, r=8, p=1; at most 256 MiB/],
    [{ N: 1 << 15, r: 8, p: 1000 }, /N=32768, r=8, p=1000 are outside/],
    [{ N: 1 << 17, r: 32, p: 1 }, /N=131072, r=32, p=1 are outside/],
    [{ N: 1000, r: 8, p: 1 }, /N=1000, r=8, p=1 are not valid/],
    [{ N: '32768', r: 8, p: 1 }, /N=32768, r=8, p=1 are not valid/],
  ];
  for (const [kdf, message] of cases) {
    await tampered((doc) => Object.assign(doc.kdf, kdf));
    const started = Date.now();
    const err = await store().get('a', 'b').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretStoreError);
    expect((err as Error).message).toMatch(/is damaged or not a connector secrets file: scrypt parameters/);
    expect((err as Error).message).toMatch(message);
    expect(Date.now() - started).toBeLessThan(1000);
  }
  // The largest r and p a file may ask for still work: what a later version may choose to write.
  const file = path.join(dir, 'max.enc');
  const max = new FileStore({ file, passphrase: async () => 'pp', kdf: { N: 1 << 10, r: 32, p: 16 } });
  await max.set('a', 'b', 'v');
  expect(await new FileStore({ file, passphrase: async () => 'pp' }).get('a', 'b')).toBe('v');
});

test('malformed files give one message naming the file, never a JavaScript error', async () => {
  const edits: Array<[(doc: any) => void, string]> = [
    [(doc) => (doc.kdf.salt = 5), 'the salt is not base64'],
    [(doc) => (doc.kdf.salt = 'c2hvcnQ='), 'the salt is 5 bytes'],
    [(doc) => delete doc.kdf, 'its key derivation is not scrypt'],
    [(doc) => (doc.secrets = null), '"secrets" is not an object'],
    [(doc) => (doc.secrets.a = 'x'), 'the entry for "a" is not an object'],
    [(doc) => (doc.check = 'x'), 'the passphrase check is not an encrypted value'],
    [(doc) => (doc.secrets.a.b = { iv: 1, tag: 'x', data: '' }), 'the IV of the value of a/b is not base64'],
    [(doc) => (doc.secrets.a.b.iv = 'AAAA'), 'the IV of the value of a/b is 3 bytes, not 12'],
    [(doc) => (doc.version = 2), 'version 2 is not supported (this connector reads version 1)'],
  ];
  for (const [edit, why] of edits) {
    const file = await tampered(edit);
    const err = await store().get('a', 'b').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretStoreError);
    expect((err as Error).message).toBe(`secrets file ${file} is damaged or not a connector secrets file: ${why}`);
  }
  for (const text of ['null', '[]', '"x"', '']) {
    const file = path.join(dir, 'odd.enc');
    fs.writeFileSync(file, text);
    await expect(store('p', file).listAliases()).rejects.toBeInstanceOf(SecretStoreError);
  }
  // Not a regular file: refused at once instead of read forever (a directory, a device).
  await expect(store('p', dir).get('a', 'b')).rejects.toThrow(`secrets file ${dir} is damaged or not a connector secrets file: it is not a regular file`);
  if (fs.existsSync('/dev/zero')) await expect(store('p', '/dev/zero').get('a', 'b')).rejects.toThrow(/it is not a regular file/);
  // A secrets file that cannot be written is a message too (here a file stands where its folder should be).
  fs.writeFileSync(path.join(dir, 'blocker'), '');
  await expect(store('p', path.join(dir, 'blocker', 'secrets.enc')).set('a', 'b', 'v')).rejects.toThrow(/cannot (read|write) secrets file .*blocker\/secrets\.enc: .*\(ENOTDIR\)/);
});

test('aliases and keys named like Object.prototype members are ordinary names', async () => {
  const s = store();
  expect(await s.get('constructor', 'name')).toBeUndefined();
  await s.set('__proto__', 'polluted', 'v-proto');
  await s.set('constructor', 'toString', 'v-ctor');
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  const fresh = store();
  expect(await fresh.get('__proto__', 'polluted')).toBe('v-proto');
  expect(await fresh.get('constructor', 'toString')).toBe('v-ctor');
  expect(await fresh.listAliases()).toEqual(['__proto__', 'constructor']);
  expect(await fresh.delete('__proto__', 'polluted')).toBe(true);
  expect(await store().listAliases()).toEqual(['constructor']);
});
