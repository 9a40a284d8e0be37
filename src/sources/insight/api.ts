/**
 * The Insight order status API (a partner API behind Apigee; no public documentation): what the original calls.
 * - Token: POST {url}/oauth/token?grant_type=client_credentials, Basic client_key:client_secret, form body;
 *   `expires_in` about 3599 s. The kit's client-credentials provider renews it before it runs out.
 * - Orders: POST {url}/{region}/GetStatus with Bearer and
 *   {"MT_Status2Request": {"StatusRequest": [{ClientID, TrackingData, OrderCreationDateFrom, OrderCreationDateTo}]}}
 *   answering {"StatusOrderResponse": [{"Order": [...]}]}.
 * Apigee explains errors as {"fault": {"faultstring", "detail": {"errorcode"}}} (gateway: bad token, quota, spike
 * arrest) or {"ErrorCode", "Error"} (its OAuth endpoint).
 */
import { ConfigError, PermanentError } from '../../errors.js';
import { oauth2ClientCredentials, type AuthProvider, type FailedRequest, type HttpClient } from '../../http/index.js';
import type { InsightSettings } from './settings.js';

export function insightAuth(s: InsightSettings): AuthProvider {
  return oauth2ClientCredentials({
    // grant_type in the query as the original sends it (Apigee's default place for it), and in the form too.
    tokenUrl: `${s.url.replace(/\/+$/, '')}/oauth/token?grant_type=client_credentials`,
    clientId: s.client_key,
    clientSecret: s.client_secret,
    style: 'basic',
    settings: { id: 'client_key', secret: 'client_secret' },
    errorText: apigeeErrorText,
  });
}

export function apigeeErrorText(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { fault?: { faultstring?: unknown; detail?: { errorcode?: unknown } }; Error?: unknown; ErrorCode?: unknown };
    const fault = parsed.fault;
    if (typeof fault?.faultstring === 'string') {
      return typeof fault.detail?.errorcode === 'string' ? `${fault.faultstring} (${fault.detail.errorcode})` : fault.faultstring;
    }
    if (typeof parsed.Error === 'string') return typeof parsed.ErrorCode === 'string' ? `${parsed.ErrorCode}: ${parsed.Error}` : parsed.Error;
  } catch {
    // Not JSON: the kit's default reading of the body.
  }
  return undefined;
}

export function explainInsightFailure(section: string, clientKey: string) {
  return (f: FailedRequest): Error | undefined => {
    const said = f.said ? `: ${f.said}` : '';
    if (f.status === 401) {
      return new ConfigError({ section, key: 'client_secret' }, `Insight refused the token of client key "${clientKey}" (HTTP 401${said}): check client_key and client_secret`);
    }
    if (f.status === 403) {
      return new PermanentError(`Insight: client key "${clientKey}" may not call ${new URL(f.url).pathname} (HTTP 403${said}): ask Insight to enable the order status API for this app`);
    }
    if (f.status === 404) {
      return new ConfigError({ section, key: 'region' }, `Insight has no ${new URL(f.url).pathname} (HTTP 404${said}): check url and region`);
    }
    return undefined;
  };
}

export type OrderList = Array<Record<string, unknown>>;

/** The orders created in [from, to] (one status request). */
export async function ordersCreated(api: HttpClient, s: InsightSettings, from: string, to: string, signal: AbortSignal): Promise<OrderList> {
  const body = await api.postJson<{ StatusOrderResponse?: unknown }>(`/${encodeURIComponent(s.region)}/GetStatus`, {
    MT_Status2Request: { StatusRequest: [{ ClientID: s.client_id, TrackingData: s.tracking_data, OrderCreationDateFrom: from, OrderCreationDateTo: to }] },
  }, { signal });
  const responses = body?.StatusOrderResponse;
  // A reply without the list is not "no orders": stopping quietly would lose every order of the window.
  if (responses === undefined || responses === null) {
    throw new PermanentError(`Insight answered the status request for ${from}..${to} without StatusOrderResponse: ${JSON.stringify(body).slice(0, 200)}`);
  }
  const list = Array.isArray(responses) ? responses : [responses];
  return list.flatMap((r) => {
    const orders = (r as { Order?: unknown })?.Order;
    return Array.isArray(orders) ? orders : orders && typeof orders === 'object' ? [orders] : [];
  }) as OrderList;
}
