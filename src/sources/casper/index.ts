/**
 * Jamf Pro (formerly Casper) computers `[casper]` and mobile devices `[casper.MDM]`: lists device ids (all, or a
 * group's members) from the Classic API, then fetches each device's details with the kit's bounded fan-out.
 */
import { ConfigError } from '../../errors.js';
import { checkBaseUrl, displayUrl, fanOut } from '../../http/index.js';
import { defineSource, type RawRecord, type ReadRequest, type Source, type SourceContext } from '../types.js';
import { JamfApi, JamfAuth, explainJamfFailure, type JamfCredentials } from './jamfApi.js';
import { CASPER_DEFAULT_CONVERTERS, NOUNS, VARIANTS, casperDefaultMappings, subsetsFor, type SubsetRequest } from './mappings.js';
import { casperSettings, type CasperSettings, type SyncType } from './settings.js';
import { casperWebhook } from './webhook.js';

/** A Jamf source; `fetchDevice` lets the webhook server sync one device by its Jamf id. */
export interface CasperSource extends Source {
  readonly syncType: SyncType;
  /** One device's record, with the subsets `request` needs (the whole record without one). */
  fetchDevice(id: number | string, request?: ReadRequest): Promise<RawRecord>;
}


function credentialsOf({ client_id: clientId, client_secret: clientSecret, username, password }: CasperSettings, section: string): JamfCredentials {
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

/** Validates the settings (ConfigError) and builds the source; nothing connects until check()/read(). */
export function createCasperSource(settings: CasperSettings, ctx: SourceContext): CasperSource {
  const url = checkBaseUrl(settings.url, { section: ctx.section });
  const syncType = settings.sync_type;
  const group = settings.group_name.trim();
  const noun = NOUNS[syncType];
  const auth = new JamfAuth(url, credentialsOf(settings, ctx.section), ctx.section, ctx.log);
  const http = ctx.http.with({ baseUrl: url, auth, explainFailure: explainJamfFailure(ctx.section, auth) });
  const api = new JamfApi(http, ctx.signal);
  const inGroup = group ? ` in group "${group}"` : '';
  const fetchDevice = (id: number | string, request?: ReadRequest) =>
    api.fetchDevice(syncType, id, request ? subsetsFor(syncType, request as SubsetRequest) : undefined);

  return {
    syncType,
    fetchDevice,
    // The webhook capability (Source.fetchOne): the same fetch.
    fetchOne: fetchDevice,

    async check() {
      const ids = await api.listIds(syncType, ctx.section, group);
      const who = `authenticated to ${displayUrl(url)} as ${auth.describe()}`;
      if (ids.length === 0) return `${who}; no ${noun}s${inGroup}`;
      const general = ((await api.fetchDevice(syncType, ids[0], ['General'])).general ?? {}) as Record<string, string>;
      return `${who}; ${ids.length} ${noun}(s)${inGroup}; read ${noun} id ${ids[0]} "${general.name ?? general.device_name ?? ''}"`;
    },

    async *read(request: ReadRequest) {
      const subsets = subsetsFor(syncType, request as SubsetRequest);
      const ids = await api.listIds(syncType, ctx.section, group);
      ctx.log.info(`${ids.length} ${noun}(s)${inGroup} to read${subsets ? ` (subsets ${subsets.join(', ')})` : ''}`);
      // Bad credentials fail every device alike: the fan-out stops the run on them instead of N reports.
      yield* fanOut(ids, {
        concurrency: ctx.concurrency,
        fetch: (id) => api.fetchDevice(syncType, id, subsets),
        label: (id) => `${noun} ${id}`,
        reportFailure: ctx.reportFailure,
        signal: ctx.signal,
      });
    },

    /** Logs the user session out (the section's client would do it too when it closes). */
    close: () => http.close(),
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
