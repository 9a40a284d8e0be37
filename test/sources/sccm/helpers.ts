/** Shared by the SCCM tests: settings with defaults, a context, and a running TDS test server. */
import type { HttpClient } from '../../../src/http/client.js';
import type { TlsSettings } from '../../../src/http/types.js';
import { getLogger } from '../../../src/logging.js';
import { sccm } from '../../../src/sources/sccm/index.js';
import type { SccmSettings } from '../../../src/sources/sccm/settings.js';
import type { RawRecord, Source, SourceContext } from '../../../src/sources/types.js';
import type { TdsServer } from '../../support/tds/server.js';

export const USER = 'oomnitza_ro';
export const PASSWORD = 'S3cret-Sccm!';

export function settings(values: Partial<SccmSettings> = {}): SccmSettings {
  const defaults = Object.fromEntries(Object.entries(sccm.settings).map(([k, s]) => [k, s.default])) as SccmSettings;
  return { ...defaults, ...values };
}

export function serverSettings(server: TdsServer, values: Partial<SccmSettings> = {}): SccmSettings {
  return settings({ server: `${server.host},${server.port}`, username: USER, password: PASSWORD, encrypt: false, ...values });
}

export function context(tls: TlsSettings = { verify: true }): SourceContext & { abort: AbortController } {
  const abort = new AbortController();
  return {
    section: 'sccm',
    log: getLogger('test/sccm'),
    signal: abort.signal,
    abort,
    tls,
    http: {} as HttpClient,
    configDir: process.cwd(),
    concurrency: 4,
    reportFailure: () => undefined,
  };
}

export function source(values: SccmSettings, ctx: SourceContext = context()): Source {
  return sccm.create(values, ctx);
}

export async function readAll(src: Source): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  for await (const r of src.read({ fields: [], allFields: true })) out.push(r);
  return out;
}

/** The rejection of a promise (fails the test if it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}
