/**
 * Dell order status `[dell_asset_order_status]`: the Dell orders of the purchase orders, DP IDs or order numbers
 * in `values`, one asset record per service tag (records.ts). Assets; MappingName `dell_asset_order_status`.
 * - Token: OAuth2 client credentials at {token_url} (Dell's API gateway). The original sent client_id and
 *   client_secret in the query string, where proxies and gateways log them; here they travel in the form body.
 * - Search: POST {url}/PROD/order-status/api/search, `Accepts-version: 3.0`, {"searchParameter": [...]}.
 */
import { ConfigError, PermanentError } from '../../errors.js';
import { oauth2ClientCredentials, rateLimitOf, tokenHeader, type AuthProvider, type FailedRequest } from '../../http/index.js';
import { defineSource, type Source, type SourceContext } from '../types.js';
import { purchaseOrderRecords } from './records.js';
import { dellSettings, type DellSettings } from './settings.js';

export const SEARCH_PATH = '/PROD/order-status/api/search';

type SearchParameter = { key: string; values: string[] };

/** What to search for, in the original's order of precedence: PO numbers, then DP IDs, then order numbers + country. */
export function searchParameters(s: DellSettings, section: string): SearchParameter[] {
  if (s.values.length === 0) throw new ConfigError({ section, key: 'values' }, 'values is empty: list the purchase order numbers, DP IDs or order numbers to look up, e.g. ["PO123"]');
  if (s.is_po_numbers) return [{ key: 'po_numbers', values: s.values }];
  if (s.is_dp_id) return [{ key: 'dp_ids', values: s.values }];
  if (s.is_order_no_country_code) {
    if (s.country_code.length === 0) throw new ConfigError({ section, key: 'country_code' }, 'order numbers are searched with their country: list the ISO country codes, e.g. ["US"]');
    return [{ key: 'order_numbers', values: s.values }, { key: 'country_code', values: s.country_code }];
  }
  // The original sent an empty search and read nothing.
  throw new ConfigError({ section, key: 'is_po_numbers' }, 'say what values holds: set is_po_numbers, is_dp_id or is_order_no_country_code to True');
}

function dellAuth(s: DellSettings, section: string): AuthProvider {
  if (s.client_id && s.client_secret) {
    return oauth2ClientCredentials({ tokenUrl: s.token_url ?? '', clientId: s.client_id, clientSecret: s.client_secret, style: 'body' });
  }
  const header = s.authorization_settings.Authorization;
  if (typeof header === 'string' && header) return { ...tokenHeader('authorization', header), describe: () => 'the Authorization of authorization_settings' };
  throw new ConfigError({ section, key: 'client_id' }, 'missing client_id and client_secret (or an Authorization in authorization_settings)');
}

function explainDellFailure(section: string) {
  return (f: FailedRequest): Error | undefined => {
    const said = f.said ? `: ${f.said}` : '';
    if (f.status === 401) return new ConfigError({ section, key: 'client_secret' }, `Dell refused the token (HTTP 401${said}): check client_id and client_secret`);
    if (f.status === 403) return new PermanentError(`Dell: this API client may not search order status (HTTP 403${said}): ask your Dell account team to entitle it to the Order Status API v3`);
    if (f.status === 404) return new ConfigError({ section, key: 'url' }, `Dell has no ${new URL(f.url).pathname} (HTTP 404${said}): check url`);
    return undefined;
  };
}

export function createDellSource(s: DellSettings, ctx: SourceContext): Source {
  const search = searchParameters(s, ctx.section);
  const auth = dellAuth(s, ctx.section);
  const api = ctx.http.with({
    baseUrl: s.url,
    auth,
    headers: { accept: 'application/json', 'accepts-version': '3.0' },
    rateLimit: rateLimitOf(s),
    explainFailure: explainDellFailure(ctx.section),
  });
  const purchaseOrders = async (client = api) => {
    const body = await client.postJson<{ purchaseOrderDetails?: unknown }>(SEARCH_PATH, { searchParameter: search }, { signal: ctx.signal });
    if (!Array.isArray(body?.purchaseOrderDetails)) {
      throw new PermanentError(`Dell answered the order search without purchaseOrderDetails: ${JSON.stringify(body).slice(0, 200)}`);
    }
    return body.purchaseOrderDetails as Array<Record<string, unknown>>;
  };

  return {
    async check() {
      const pos = await purchaseOrders(api.with({ retry: { retries: 1 } }));
      const tags = pos.reduce((n, po) => n + purchaseOrderRecords(po).records.length, 0);
      return `authenticated to ${s.url} as ${auth.describe?.() ?? 'the API client'}; ${pos.length} purchase order(s), ${tags} service tag(s)`;
    },
    async *read() {
      let pending = 0;
      for (const po of await purchaseOrders()) {
        const found = purchaseOrderRecords(po);
        pending += found.withoutServiceTags;
        yield* found.records;
      }
      if (pending) ctx.log.info(`${pending} Dell order(s) or product(s) have no service tag yet: no record for them`);
    },
  };
}

export const dellAssetOrderStatus = defineSource({
  name: 'dell_asset_order_status',
  title: 'Dell order status (one asset per service tag)',
  dataType: 'assets',
  mappingName: 'dell_asset_order_status',
  settings: dellSettings,
  defaultMappings: () => ({}),
  create: (settings, ctx) => createDellSource(settings, ctx),
});
