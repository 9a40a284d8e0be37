/**
 * A private D-Bus session bus with an unlocked gnome-keyring (Secret Service) for tests, following
 * shared/reference/ci-keyring.sh: temp HOME/XDG dirs, `dbus-daemon` on our own config, then
 * `gnome-keyring-daemon --foreground --unlock --components=secrets` fed a throwaway password on stdin.
 * Both run as our children so stop() can kill exactly them.
 * Pass `env` to child processes explicitly: under jest, process.env is a sandboxed copy, so setting it does
 * not reach the real environment that the native keyring library (and inherited spawns) read.
 * startEmptyBus() gives a bus with no Secret Service provider (and no .service files to auto-start one).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const APT_HINT = 'install the Debian packages: apt-get install -y --no-install-recommends gnome-keyring libsecret-tools dbus';

export interface BusSession {
  /** DBUS_SESSION_BUS_ADDRESS of the private bus. */
  address: string;
  /** Environment for child processes (HOME, XDG dirs, bus address). */
  env: Record<string, string>;
  /** Restores process.env and kills the daemons; removes the temp dir. */
  stop(): Promise<void>;
}

function requireBinary(name: string): void {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  if (found.status !== 0) throw new Error(`${name} is not installed; the keyring tests need it: ${APT_HINT}`);
}

function busConfig(serviceDir: string): string {
  return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=${os.tmpdir()}</listen>
  <auth>EXTERNAL</auth>
  <servicedir>${serviceDir}</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;
}

async function startBus(dir: string): Promise<{ address: string; proc: ChildProcess }> {
  requireBinary('dbus-daemon');
  const serviceDir = path.join(dir, 'dbus-services');
  fs.mkdirSync(serviceDir, { recursive: true });
  const config = path.join(dir, 'bus.conf');
  fs.writeFileSync(config, busConfig(serviceDir));
  const proc = spawn('dbus-daemon', [`--config-file=${config}`, '--nofork', '--nopidfile', '--print-address=1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const address = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`dbus-daemon did not print its address within 5 s: ${err}`)), 5000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) {
        clearTimeout(timer);
        resolve(line.trim());
      }
    });
    proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    proc.on('error', (e) => reject(new Error(`cannot start dbus-daemon (${e.message}); ${APT_HINT}`)));
    proc.on('exit', (code) => reject(new Error(`dbus-daemon exited with ${code}: ${err}`)));
  });
  return { address, proc };
}

function tempDirs(): { dir: string; env: Record<string, string> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyring-test-'));
  const home = path.join(dir, 'home');
  const runtime = path.join(dir, 'run');
  fs.mkdirSync(home, { recursive: true });
  fs.mkdirSync(runtime, { recursive: true, mode: 0o700 });
  return {
    dir,
    env: {
      HOME: home,
      XDG_RUNTIME_DIR: runtime,
      XDG_DATA_HOME: path.join(home, '.local', 'share'),
      XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_CACHE_HOME: path.join(home, '.cache'),
    },
  };
}

function applyEnv(vars: Record<string, string>): () => void {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

async function kill(proc: ChildProcess | undefined): Promise<void> {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 2000);
  await exited;
  clearTimeout(timer);
}

async function nameHasOwner(env: NodeJS.ProcessEnv, name: string): Promise<boolean> {
  const r = spawnSync(
    'dbus-send',
    ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', `string:${name}`],
    { env, encoding: 'utf8' },
  );
  return r.status === 0 && r.stdout.includes('boolean true');
}

/** A bus with an unlocked gnome-keyring; sets process.env for this test process (and its children). */
export async function startKeyringSession(): Promise<BusSession> {
  requireBinary('gnome-keyring-daemon');
  requireBinary('dbus-send');
  const { dir, env } = tempDirs();
  const bus = await startBus(dir);
  const sessionEnv = { ...env, DBUS_SESSION_BUS_ADDRESS: bus.address };
  const childEnv = { ...process.env, ...sessionEnv };
  const keyring = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], {
    env: childEnv,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  keyring.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  keyring.stdin!.end('test-throwaway-password');
  const deadline = Date.now() + 10_000;
  while (!(await nameHasOwner(childEnv, 'org.freedesktop.secrets'))) {
    if (keyring.exitCode !== null || Date.now() > deadline) {
      await kill(keyring);
      await kill(bus.proc);
      throw new Error(`gnome-keyring-daemon did not take org.freedesktop.secrets: ${stderr.trim() || 'no output'}; ${APT_HINT}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const restore = applyEnv(sessionEnv);
  return {
    address: bus.address,
    env: sessionEnv,
    async stop() {
      restore();
      await kill(keyring);
      await kill(bus.proc);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A bus where nothing provides org.freedesktop.secrets. Does not touch process.env. */
export async function startEmptyBus(): Promise<BusSession> {
  const { dir, env } = tempDirs();
  const bus = await startBus(dir);
  return {
    address: bus.address,
    env: { ...env, DBUS_SESSION_BUS_ADDRESS: bus.address },
    async stop() {
      await kill(bus.proc);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
