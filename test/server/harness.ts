/** Runs `serve()` in-process against the fake Jamf and the fake Oomnitza, with short windows. */
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { serve, type ServerTuning } from '../../src/server/serve.js';
import { startFakeJamf, type FakeJamf, type FakeJamfOptions } from '../support/fakeJamf.js';
import { startFakeOomnitza, type FakeOomnitza, type FakeOomnitzaOptions } from '../support/fakeOomnitza.js';
import { tempDir } from '../helpers/runCli.js';

export const COMPUTER_EVENTS = ['ComputerAdded', 'ComputerCheckIn', 'ComputerInventoryCompleted', 'ComputerPolicyFinished', 'ComputerPushCapabilityChanged'];
export const MOBILE_EVENTS = ['MobileDeviceCheckIn', 'MobileDeviceCommandCompleted', 'MobileDeviceEnrolled', 'MobileDevicePushSent', 'MobileDeviceUnEnrolled'];

/** A Jamf Pro webhook body as documented (https://developer.jamf.com/jamf-pro/docs/webhooks-1). */
export function webhook(event: string, id: number | string, opts: { nested?: boolean } = {}): string {
  const device = { jssID: id, serialNumber: `SN${id}`, udid: `UDID-${id}`, deviceName: `device ${id}` };
  const body = opts.nested
    ? { computer: device, trigger: 'CLIENT_CHECKIN', username: 'john.smith' }
    : device;
  return JSON.stringify({ webhook: { eventTimestamp: 1553550275590, id: 7, name: 'Oomnitza', webhookEvent: event }, event: body });
}

export interface SectionExtras {
  casper?: string;
  mdm?: string;
  /** Lines added to [oomnitza] (timeouts, the push breaker). */
  oomnitza?: string;
}

export function iniFor(oom: FakeOomnitza, jamf: FakeJamf, extra: SectionExtras = {}): string {
  return `[oomnitza]
url = ${oom.url}
api_token = ${oom.token}
${extra.oomnitza ?? ''}

[casper]
enable = True
url = ${jamf.url}
client_id = client-abc
client_secret = client-s3cret-value
sync_type = computers
sync_field = SERIAL_NUMBER
mapping.SERIAL_NUMBER = {"source": "general.serial_number", "required": true}
mapping.MODEL = hardware.model
mapping.REPORT_DATE = general.report_date
mapping.COST_CENTER = {"converter": "casper_extension_attribute:attr=Cost Center"}
${extra.casper ?? ''}

[casper.MDM]
enable = True
url = ${jamf.url}
username = auditor
password = Sup3r!secret
sync_type = mobiledevices
sync_field = SERIAL_NUMBER
mapping.SERIAL_NUMBER = general.serial_number
mapping.IMEI = network.imei
${extra.mdm ?? ''}

[ldap]
enable = True
url = ldap://127.0.0.1:1
`;
}

export interface Harness {
  url: string;
  jamf: FakeJamf;
  oom: FakeOomnitza;
  /** Resolves with serve()'s exit code once stopped. */
  done: Promise<number>;
  post(pathname: string, body: string | Buffer, headers?: Record<string, string>): Promise<{ status: number; text: string; headers: Headers }>;
  health(): Promise<Record<string, any>>;
  stop(): Promise<number>;
  close(): Promise<void>;
  /** With `metrics: true`: the /metrics URL of --metrics-port. */
  metricsUrl?: string;
}

export async function startHarness(opts: {
  jamf?: FakeJamfOptions;
  oomnitza?: FakeOomnitzaOptions;
  extra?: SectionExtras;
  tuning?: Partial<ServerTuning>;
  workers?: number;
  metrics?: boolean;
} = {}): Promise<Harness> {
  const oom = await startFakeOomnitza(opts.oomnitza);
  const jamf = await startFakeJamf({ computers: 5, mobileDevices: 5, ...opts.jamf });
  const dir = tempDir({ 'config.ini': iniFor(oom, jamf, opts.extra) });
  const abort = new AbortController();
  let listening!: (a: AddressInfo) => void;
  const address = new Promise<AddressInfo>((resolve) => (listening = resolve));
  let metricsUrl: string | undefined;
  const done = serve(
    {
      ini: path.join(dir, 'config.ini'), loggingConfig: 'logging.json', loggingConfigExplicit: false, workers: opts.workers ?? 4,
      showMappings: false, testmode: false, saveData: false, host: '127.0.0.1', port: 0,
      tuning: { coalesceMs: 20, batchWindowMs: 50, ...opts.tuning }, onListening: listening,
      ...(opts.metrics ? { metricsPort: 0, onMetrics: (u: string) => (metricsUrl = u) } : {}),
    },
    abort.signal,
  );
  let port: number;
  try {
    ({ port } = await Promise.race([address, done.then((code) => Promise.reject(new Error(`serve ended early (${code})`)))]));
  } catch (err) {
    await Promise.all([oom.close(), jamf.close()]);
    throw err;
  }
  const url = `http://127.0.0.1:${port}`;
  const h: Harness = {
    url, jamf, oom, done, metricsUrl,
    async post(pathname, body, headers = {}) {
      const res = await fetch(`${url}${pathname}`, { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers } });
      return { status: res.status, text: await res.text(), headers: res.headers };
    },
    async health() {
      return (await (await fetch(`${url}/healthz`)).json()) as Record<string, any>;
    },
    async stop() {
      abort.abort();
      return done;
    },
    async close() {
      if (!abort.signal.aborted) await h.stop();
      await Promise.all([oom.close(), jamf.close()]);
    },
  };
  return h;
}

export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('timed out waiting for a condition');
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function serials(records: Record<string, unknown>[]): string[] {
  return records.map((r) => String(r.SERIAL_NUMBER)).sort();
}
