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
  await expect(store('p', file).get('a', 'b')).rejects.toThrow(new RegExp(`${file.replace(/[.]/g, '\\.')} is not a connector secrets file`));
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
