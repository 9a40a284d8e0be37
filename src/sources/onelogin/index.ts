/**
 * OneLogin users `[onelogin]`: the API v2 users list with an OAuth token (client_id + client_secret), or, when only
 * the legacy api_token is set, the retired XML API, as the original chose. Records keep the original's API/1 shape.
 */
import { ConfigError } from '../../errors.js';
import { checkBaseUrl, rateLimitOf } from '../../http/index.js';
import { defineSource, type RawRecord, type Source, type SourceContext } from '../types.js';
import {
  api2Users, explainOneLoginFailure, legacyAuth, legacyUsers, oneLoginEndpoints, oneLoginErrorText, oneLoginToken,
  type OneLoginEndpoints, type OneLoginMode,
} from './oneLoginApi.js';
import { oneLoginSettings, type OneLoginSettings } from './settings.js';
import { shapeApi2User, shapeLegacyUser } from './userRecord.js';

/** The original's choice: an API credential when both halves are set, else the legacy key, else nothing to go on. */
function modeOf(s: OneLoginSettings, section: string): OneLoginMode {
  const path = new URL(checkBaseUrl(s.url, { section })).pathname;
  if (s.client_id && s.client_secret) {
    if (path.endsWith('.xml')) {
      throw new ConfigError({ section, key: 'url' }, `${s.url} is the legacy XML API; with client_id and client_secret use the users URL, e.g. https://api.us.onelogin.com/api/1/users`);
    }
    return { kind: 'api2', clientId: s.client_id, clientSecret: s.client_secret };
  }
  if (s.api_token) {
    // The default url is API/1's (API v2's works alike), where the legacy key fails with a puzzling 401; say what to write instead.
    if (/^\/api\/[12]\//.test(path)) {
      throw new ConfigError({ section, key: 'url' }, `api_token is for the legacy XML API: set url = https://app.onelogin.com/api/v2/users.xml, or configure client_id and client_secret (preferred)`);
    }
    return { kind: 'legacy', apiToken: s.api_token };
  }
  if (s.client_id) throw new ConfigError({ section, key: 'client_secret' }, `client_id "${s.client_id}" needs its client_secret`);
  if (s.client_secret) throw new ConfigError({ section, key: 'client_id' }, 'client_secret is set but client_id is empty');
  throw new ConfigError({ section, key: 'client_id' }, 'set client_id and client_secret (an API credential with the "Read users" scope), or the legacy api_token');
}

/** The API v2 endpoints `url` names, or a ConfigError saying what to write. */
function endpointsOf(url: string, section: string): OneLoginEndpoints {
  const endpoints = oneLoginEndpoints(url);
  if (!endpoints) {
    throw new ConfigError({ section, key: 'url' }, `${url} is not a OneLogin users URL: write https://<subdomain>.onelogin.com/api/1/users (or api.us/api.eu.onelogin.com, .../api/2/users, or the host alone)`);
  }
  return endpoints;
}

/** A value as xmltodict gives it (`{"@type": "integer", "#text": "12"}`) or plain. */
function text(value: unknown): string {
  if (value !== null && typeof value === 'object') return text((value as Record<string, unknown>)['#text']);
  return value === undefined || value === null ? '' : String(value);
}

export interface OneLoginOptions {
  /** Clock of the token's lifetime, for tests. */
  now?: () => number;
}

/** Validates the settings (ConfigError) and builds the source; nothing connects until check() or read(). */
export function createOneLoginSource(s: OneLoginSettings, ctx: SourceContext, opts: OneLoginOptions = {}): Source {
  const mode = modeOf(s, ctx.section);
  const endpoints = mode.kind === 'api2' ? endpointsOf(s.url, ctx.section) : undefined;
  const auth = mode.kind === 'api2'
    ? oneLoginToken(endpoints!.tokenUrl, mode.clientId, mode.clientSecret, ctx.section, opts.now)
    : legacyAuth(mode.apiToken);
  if (mode.kind === 'legacy') ctx.log.warn('the legacy OneLogin XML API (api_token) is deprecated: configure client_id and client_secret instead');
  const api = ctx.http.with({
    auth,
    errorText: oneLoginErrorText,
    // X-RateLimit-Reset is seconds until the hourly window resets; stop short of a 429 when nothing is left.
    rateLimit: { ...rateLimitOf(s), remainingHeader: 'x-ratelimit-remaining', paceBelow: 0 },
    explainFailure: explainOneLoginFailure(ctx.section, mode),
  });
  const users = async function* (client: typeof api): AsyncGenerator<RawRecord> {
    if (endpoints) for await (const u of api2Users(client, endpoints.usersUrl, ctx.signal)) yield shapeApi2User(u);
    else for await (const u of legacyUsers(client, s.url, ctx.signal)) yield shapeLegacyUser(u);
  };
  return {
    async check() {
      const who = `authenticated to ${new URL(s.url).origin} with ${auth.describe!()}`;
      // One retry: `connector test` should say "unreachable" in seconds, not after a night run's patience.
      for await (const u of users(api.with({ retry: { retries: 1 } }))) return `${who}; read user ${text(u.id)} "${text(u.username ?? u.email)}"`;
      return `${who}; no users`;
    },
    read: () => users(api),
  };
}

export const onelogin = defineSource({
  name: 'onelogin',
  title: 'OneLogin users (API v2 with an API credential; the legacy XML API with api_token)',
  dataType: 'users',
  mappingName: 'OneLogin',
  settings: oneLoginSettings,
  defaultMappings: () => ({
    USER: { source: 'username' },
    FIRST_NAME: { source: 'firstname' },
    LAST_NAME: { source: 'lastname' },
    EMAIL: { source: 'email' },
    PHONE: { source: 'phone' },
    PERMISSIONS_ID: { setting: 'default_role' },
  }),
  create: (settings, ctx) => createOneLoginSource(settings, ctx),
});
