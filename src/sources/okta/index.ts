/**
 * Okta users `[okta]`: every user of the org from GET /api/v1/users, following the Link header, and with
 * `deprovisioned = true` a second pass for the DEPROVISIONED users, which Okta leaves out of the plain list
 * (https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/#tag/User/operation/listUsers).
 * Records are Okta's user objects as they come (`profile.login`, `status`, `_links`, ...), as in the original.
 */
import { PermanentError } from '../../errors.js';
import { isIsoInstant, linkHeader, paginate, readSinceWatermark, type HttpResponse, type ReadClock } from '../../http/index.js';
import { defineSource, type RawRecord } from '../types.js';
import { oktaClient, rateLimitLeft } from './api.js';
import { OKTA_DEFAULT_MAPPINGS } from './mappings.js';
import { oktaSettings } from './settings.js';

/** Okta's largest page for users; the original asked for 100, twice the requests against the same rate limit. */
export const PAGE_SIZE = 200;
/** The original's filter for the second pass, sent as it did. */
export const DEPROVISIONED_FILTER = 'status eq "DEPROVISIONED"';

interface OktaUser {
  id?: string;
  status?: string;
  profile?: { login?: string };
}

/** Okta's filter for users changed after `since` (an ISO instant, as saved). */
export function lastUpdatedFilter(since: string): string {
  return `lastUpdated gt "${since}"`;
}

export const okta = defineSource({
  name: 'okta',
  title: 'Okta users (API token)',
  dataType: 'users',
  mappingName: 'Okta',
  settings: oktaSettings,
  defaultMappings: () => ({ ...OKTA_DEFAULT_MAPPINGS }),
  incremental: { watermark: 'the time the read began by Okta\'s clock, minus 5 minutes (filter lastUpdated gt)', valid: isIsoInstant },
  create(settings, ctx) {
    const api = oktaClient(settings, ctx);
    const users = (filter?: string, clock?: ReadClock) =>
      paginate<RawRecord>(api, {
        path: '/api/v1/users', query: { limit: PAGE_SIZE, filter }, items: '', strategy: linkHeader(), signal: ctx.signal,
        decode: (res: HttpResponse) => (clock?.note(res), res.json()),
      });

    return {
      async check() {
        // One retry at most: `connector test` should answer quickly when the org is unreachable.
        const res = await api.request('GET', '/api/v1/users', { query: { limit: 1 }, retry: { retries: 1 }, signal: ctx.signal });
        const list = res.json<OktaUser[]>();
        if (!Array.isArray(list)) throw new PermanentError(`[${ctx.section}] ${settings.url}/api/v1/users did not answer with a list of users: is url the Okta org URL?`);
        const who = `authenticated to ${settings.url} with the API token`;
        if (list.length === 0) {
          throw new PermanentError(`[${ctx.section}] ${who}, but Okta lists no users: the token's admin may see none (a custom admin role limited to an empty group?)`);
        }
        const left = rateLimitLeft(res);
        const user = list[0];
        return `${who}; read user "${user.profile?.login ?? user.id}" (${user.status ?? 'no status'})` +
          `${settings.deprovisioned ? '; DEPROVISIONED users are read in a second pass' : ''}${left ? `; ${left}` : ''}`;
      },

      async *read(request) {
        const inc = request.incremental;
        if (!inc) {
          yield* users();
          if (settings.deprovisioned) yield* users(DEPROVISIONED_FILTER);
          return;
        }
        // Incremental: Okta's `lastUpdated gt` filter; the watermark is when the first page was answered (Okta's
        // clock) minus the overlap (src/http/incremental.ts).
        yield* readSinceWatermark(inc, ctx.signal, async function* (since, clock) {
          const changed = since ? lastUpdatedFilter(since) : undefined;
          for await (const user of users(changed, clock)) {
            // A filter may list DEPROVISIONED users, which the plain list leaves out: they come in the second pass, if wanted.
            if ((user as OktaUser).status !== 'DEPROVISIONED') yield user;
          }
          if (settings.deprovisioned) yield* users(changed ? `${DEPROVISIONED_FILTER} and ${changed}` : DEPROVISIONED_FILTER);
        });
      },
    };
  },
});
