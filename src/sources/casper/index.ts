/**
 * Jamf Pro (formerly Casper) computers `[casper]` and mobile devices `[casper.MDM]`: lists device ids (all, or a
 * group's members) from the Classic API, then fetches each device's details with bounded concurrency.
 */
import { ConfigError, isConfigError } from '../../errors.js';
import { defineSource, type RawRecord, type ReadRequest, type Source, type SourceContext } from '../types.js';
import { JamfApi, JamfAuth, type JamfCredentials } from './jamfApi.js';
import { mapBounded } from './boundedMap.js';
import { CASPER_DEFAULT_CONVERTERS, VARIANTS, casperDefaultMappings, subsetsFor, type SubsetRequest } from './mappings.js';
import { casperSettings, type CasperSettings, type SyncType } from './settings.js';
import { casperWebhook } from './webhook.js';

/** A Jamf source; `fetchDevice` lets the webhook server sync one device by its Jamf id. */
export interface CasperSource extends Source {
  readonly syncType: SyncType;
  /** One device's record, with the subsets `request` needs (the whole record without one). */
  fetchDevice(id: number | string, request?: ReadRequest): Promise<RawRecord>;
}

const NOUNS: Record<SyncType, string> = { computers: 'computer', mobiledevices: 'mobile device' };

function credentialsOf(settings: CasperSettings, section: string): JamfCredentials {
  const { client_id: clientId, client_secret: clientSecret, username, password } = settings;
  if (clientId || clientSecret) {
    if (!clientId) throw new ConfigError({ section, key: 'client_id' }, 'client_secret is set but client_id is empty');
    if (!clientSecret) throw new ConfigError({ section, key: 'client_secret' }, `client_id "${clientId}" needs its client_secret`);
    return { kind: 'client', clientId, clientSecret };
  }
  if (!username || !password) {
    throw new ConfigError({ section, key: username ? 'password' : 'username' },
      'set client_id and client_secret (a Jamf Pro API client, preferred) or username and password');
  }
  return { kind: 'user', username, password };
}

function checkUrl(url: string, section: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new ConfigError({ section, key: 'url' }, `"${url}" is not a URL (expected e.g. https://example.jamfcloud.com)`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new ConfigError({ section, key: 'url' }, `"${url}" must start with https:// (or http://)`);
  }
  if (parsed.search || parsed.hash) throw new ConfigError({ section, key: 'url' }, 'the URL must not contain ? or #');
  return parsed.toString().replace(/\/+$/, '');
}

/** Validates the settings (ConfigError) and builds the source; nothing connects until check()/read(). */
export function createCasperSource(settings: CasperSettings, ctx: SourceContext): CasperSource {
  const url = checkUrl(settings.url, ctx.section);
  const creds = credentialsOf(settings, ctx.section);
  const syncType = settings.sync_type;
  const group = settings.group_name.trim();
  const noun = NOUNS[syncType];
  const auth = new JamfAuth(url, creds, ctx.section, ctx.log);
  const api = new JamfApi(url, ctx.http, auth, ctx.section, ctx.signal);
  const inGroup = group ? ` in group "${group}"` : '';

  async function fetchOne(id: number | string, request: ReadRequest | undefined): Promise<RawRecord> {
    const subsets = request ? subsetsFor(syncType, request as SubsetRequest) : undefined;
    return api.fetchDevice(syncType, id, subsets);
  }

  return {
    syncType,
    fetchDevice: fetchOne,
    // The webhook capability (Source.fetchOne): the same fetch.
    fetchOne,

    async check() {
      const ids = await api.listIds(syncType, group);
      const who = `authenticated to ${url} as ${auth.describe()}`;
      if (ids.length === 0) return `${who}; no ${noun}s${inGroup}`;
      const device = await api.fetchDevice(syncType, ids[0], ['General']);
      const general = (device.general ?? {}) as Record<string, unknown>;
      const name = general.name ?? general.device_name ?? '';
      return `${who}; ${ids.length} ${noun}(s)${inGroup}; read ${noun} id ${ids[0]} "${String(name)}"`;
    },

    async *read(request: ReadRequest) {
      const subsets = subsetsFor(syncType, request as SubsetRequest);
      const ids = await api.listIds(syncType, group);
      ctx.log.info(`${ids.length} ${noun}(s)${inGroup} to read${subsets ? ` (subsets ${subsets.join(', ')})` : ''}`);
      const records = mapBounded(ids, ctx.concurrency, async (id) => {
        try {
          return await api.fetchDevice(syncType, id, subsets);
        } catch (err) {
          // Bad credentials fail every device alike: stop the run with one clear message instead of N reports.
          if (isConfigError(err)) throw err;
          if (ctx.signal.aborted) return undefined;
          ctx.reportFailure(`${noun} ${id}`, err);
          return undefined;
        }
      }, ctx.signal);
      for await (const record of records) {
        if (record) yield record;
      }
    },

    async close() {
      await auth.close(ctx.http);
    },
  };
}

export const casper = defineSource({
  name: 'casper',
  title: 'Jamf Pro (formerly Casper): computers, or mobile devices with sync_type = mobiledevices',
  settings: casperSettings,
  defaultConverters: CASPER_DEFAULT_CONVERTERS,
  variants: { by: 'sync_type', table: VARIANTS },
  defaultMappings: (settings) => casperDefaultMappings(settings.sync_type),
  create: (settings, ctx) => createCasperSource(settings, ctx),
  webhook: casperWebhook,
});

export function isCasperSource(source: Source): source is CasperSource {
  return typeof (source as Partial<CasperSource>).fetchDevice === 'function' && 'syncType' in source;
}
