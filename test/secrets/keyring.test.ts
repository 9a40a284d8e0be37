/**
 * Against a real gnome-keyring on a private D-Bus session (test/support/keyringSession.ts), and against
 * buses with no Secret Service at all. strongbox runs as a child process, as admins run it.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmptyBus, startKeyringSession, type BusSession } from '../support/keyringSession.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/strongbox');
const SECRET = 'kr-SECRET-value-7f3a9';

function strongbox(args: string[], env: Record<string, string | undefined>, input?: string) {
  return new Promise<{ code: number; stdout: string; stderr: string; ms: number }>((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [BIN, ...args], { env: env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - started }));
    child.stdin.end(input ?? '');
  });
}

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/secrets');

/**
 * Runs an ES module snippet in a child process. The native keyring reads the real process environment,
 * which jest's sandboxed process.env does not change, so in-process calls would not see the private bus.
 */
function runModule(script: string, env: Record<string, string | undefined>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: env as NodeJS.ProcessEnv });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', () => {
      try {
        resolve(JSON.parse(out));
      } catch {
        reject(new Error(`child printed no JSON: ${out} ${err}`));
      }
    });
  });
}

const loadSecretsIn = (env: Record<string, string | undefined>, req: object) =>
  runModule(
    `import { loadSecrets } from ${JSON.stringify(`${SRC}/index.js`)};
     const t = Date.now();
     loadSecrets(${JSON.stringify(req)}).then(
       (values) => console.log(JSON.stringify({ values, ms: Date.now() - t })),
       (e) => console.log(JSON.stringify({ name: e.name, message: e.message, ms: Date.now() - t })));`,
    env,
  ) as Promise<{ values?: Record<string, string>; name?: string; message?: string; ms: number }>;

describe('with a Secret Service', () => {
  let session: BusSession;
  beforeAll(async () => {
    session = await startKeyringSession();
  });
  afterAll(async () => {
    await session?.stop();
  });

  test('KeyringStore: set, get, list names, delete', async () => {
    const result = await runModule(
      `import { KeyringStore } from ${JSON.stringify(`${SRC}/keyring/keyringStore.js`)};
       const s = new KeyringStore();
       await s.set('svc.one', 'password', 'pw-one-111');
       await s.set('svc.one', 'api_token', 'tok-one-222');
       const out = [await s.get('svc.one', 'password'), await s.get('svc.one', 'missing') ?? null, await s.listKeys('svc.one'),
         await s.delete('svc.one', 'password'), await s.delete('svc.one', 'password'), await s.get('svc.one', 'password') ?? null];
       console.log(JSON.stringify(out));`,
      { ...process.env, ...session.env },
    );
    expect(result).toEqual(['pw-one-111', null, ['api_token', 'password'], true, false, null]);
  });

  test('strongbox stores from a pipe, lists names only, and loadSecrets reads it back; the value is never printed', async () => {
    const env = { ...process.env, ...session.env };
    const saved = await strongbox(['--connector=zendesk.abc', '--key=api_token', '--value'], env, `${SECRET}\n`);
    expect(saved).toMatchObject({ code: 0 });
    expect(saved.stdout).toContain("Secret key 'api_token' for 'zendesk.abc' has been saved in the OS keyring");
    // The original's spelling `--value=` (empty) keeps working.
    expect((await strongbox(['--connector', 'zendesk.abc', '--key', 'password', '--value='], env, 'pw-second-333')).code).toBe(0);

    const listed = await strongbox(['--connector=zendesk.abc', '--list'], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout.trim().split('\n')).toEqual(['api_token', 'password']);

    const loaded = await loadSecretsIn(env, {
      section: 'zendesk.abc', alias: 'zendesk.abc', backend: 'keyring', keys: ['api_token', 'password'], settings: {}, configFile: 'config.ini',
    });
    expect(loaded.values).toEqual({ api_token: SECRET, password: 'pw-second-333' });

    const deleted = await strongbox(['--connector=zendesk.abc', '--key=password', '--delete'], env);
    expect(deleted.code).toBe(0);
    expect((await strongbox(['--connector=zendesk.abc', '--key=password', '--delete'], env)).code).toBe(2);
    const err = await loadSecretsIn(env, {
      section: 'zendesk.abc', alias: 'zendesk.abc', backend: 'keyring', keys: ['password'], settings: {}, configFile: 'config.ini', line: 3,
    });
    expect(err.name).toBe('ConfigError');
    expect(err.message).toBe(
      'config.ini:3: [zendesk.abc] password: secret "password" (vault_alias "zendesk.abc", vault_backend keyring) is missing: store it in the OS keyring with: strongbox --connector=zendesk.abc --key=password --value',
    );

    for (const r of [saved, listed, deleted]) expect(r.stdout + r.stderr).not.toContain(SECRET);
  });
});

describe('without a Secret Service: a clear error, not D-Bus\'s 25 s timeout', () => {
  const expectClear = (r: { code: number; stderr: string; ms: number }) => {
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the OS keyring is not reachable');
    expect(r.stderr).toMatch(/vault_backend to vault, cyberark, env or file/);
    expect(r.ms).toBeLessThan(10_000); // well below D-Bus's 25 s default, with room for a loaded machine
  };

  test('a D-Bus session bus with no provider', async () => {
    const bus = await startEmptyBus();
    try {
      const env = { ...process.env, ...bus.env };
      const r = await strongbox(['--connector=x', '--key=y', '--value'], env, 'value-1');
      expectClear(r);
      expect(r.stderr).toContain('org.freedesktop.secrets was not provided');
      expectClear(await strongbox(['--connector=x', '--list'], env));
    } finally {
      await bus.stop();
    }
  });

  test('no D-Bus session at all', async () => {
    const env: Record<string, string | undefined> = { ...process.env };
    delete env.DBUS_SESSION_BUS_ADDRESS;
    env.XDG_RUNTIME_DIR = '/nonexistent-runtime-dir';
    expectClear(await strongbox(['--connector=x', '--key=y', '--value'], env, 'value-1'));
  });

  test('loadSecrets turns it into a ConfigError on vault_backend', async () => {
    const result = await loadSecretsIn(
      { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' },
      { section: 'oomnitza', alias: 'oomnitza', backend: 'keyring', keys: ['api_token'], settings: {}, configFile: 'config.ini', line: 5 },
    );
    expect(result.name).toBe('ConfigError');
    expect(result.message).toMatch(/^config\.ini:5: \[oomnitza\] vault_backend: the OS keyring is not reachable/);
    expect(result.ms).toBeLessThan(10_000);
  });
});
