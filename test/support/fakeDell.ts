/**
 * A Dell Order Status API v3 test server (Dell's partner API gateway), as the original calls it:
 * - POST /auth/oauth/v2/token: grant_type=client_credentials with client_id and client_secret (in the form, or in
 *   the query string as the original sent them) answers {access_token, token_type: "Bearer", expires_in: 3600};
 *   a wrong client answers 401 {"error":"invalid_client","error_description":"The given client credentials were not valid"}.
 * - POST /PROD/order-status/api/search with `Authorization: Bearer`, `Accepts-version: 3.0` and
 *   {"searchParameter":[{key, values}]} (po_numbers, dp_ids, or order_numbers + country_code) answers
 *   {"purchaseOrderDetails":[...]}; a missing or expired token 401 invalid_token; a missing version 400.
 * - On request: 429 with Retry-After, tokens expired at once.
 */
import { startTestServer, type TestServer } from './httpTestServer.js';

export interface FakeDell {
  url: string;
  clientId: string;
  clientSecret: string;
  server: TestServer;
  /** searchParameter of every search, in order. */
  searches: unknown[];
  statuses: number[];
  tokensIssued: number;
  /** Whether any token request carried client_secret in its query string. */
  secretInQuery: boolean;
  /** Service tags of purchase order `po`, in order. */
  tags(po: string): string[];
  expireTokens(): void;
  /** The next search answers 401 invalid_token (its token revoked on the way), as after a token expired in flight. */
  revokeOnNextSearch(): void;
  throttle(times: number, retryAfter?: string): void;
  close(): Promise<void>;
}

/** PO-1..PO-3; each has two Dell orders: the first shipped with two products (2 + 1 tags), the second without shipTo yet. */
function purchaseOrder(n: number): Record<string, unknown> {
  const tag = (o: number, p: number, t: number) => `${n}${o}${p}${t}ABCD`.slice(0, 7);
  return {
    purchaseOrderNumber: `PO-${n}`, purchaseOrderDate: `2026-0${n}-10`, customerNumber: '530001234',
    dellOrders: [
      {
        orderNumber: `80000${n}1`, dpId: `DP${n}1`, orderStatus: 'Shipped', orderDate: `2026-0${n}-11`, countryCode: 'US',
        shipToInformation: { name: 'Acme IT', city: 'Austin', state: 'TX', country: 'US' },
        trackingInformation: [{ carrierName: 'UPS', waybill: `1Z${n}` }],
        purchaseOrderLines: [{ lineNumber: 1 }],
        productInfo: [
          { skuNumber: '210-BHKZ', description: 'Latitude 7450', quantity: 2, serviceTags: [tag(1, 1, 1), tag(1, 1, 2)] },
          { skuNumber: '210-AAAA', description: 'Dock WD22TB4', quantity: 1, serviceTags: [tag(1, 2, 1)] },
        ],
      },
      {
        orderNumber: `80000${n}2`, dpId: `DP${n}2`, orderStatus: 'In Production', orderDate: `2026-0${n}-12`, countryCode: 'US',
        productInfo: [{ skuNumber: '210-BHKZ', description: 'Latitude 7450', quantity: 1, serviceTags: [tag(2, 1, 1)] }, { skuNumber: '634-BYKR', description: 'Windows 11 Pro' }],
      },
    ],
  };
}

export async function startFakeDell(opts: { clientId?: string; clientSecret?: string } = {}): Promise<FakeDell> {
  const clientId = opts.clientId ?? 'l7xx-dell-client-9f3';
  const clientSecret = opts.clientSecret ?? 'dell-secret-Q8w7e6r5';
  const valid = new Set<string>();
  const pos = [1, 2, 3].map(purchaseOrder);
  let throttled = { times: 0, retryAfter: '1' };
  let issued = 0;
  let revokeNext = false;

  const fake: FakeDell = {
    url: '',
    clientId,
    clientSecret,
    server: undefined as unknown as TestServer,
    searches: [],
    statuses: [],
    secretInQuery: false,
    get tokensIssued() {
      return issued;
    },
    tags: (po) => {
      const found = pos.find((p) => p.purchaseOrderNumber === po) as { dellOrders: Array<{ productInfo: Array<{ serviceTags?: string[] }> }> };
      return found.dellOrders.flatMap((o) => o.productInfo.flatMap((p) => p.serviceTags ?? []));
    },
    expireTokens: () => valid.clear(),
    revokeOnNextSearch: () => void (revokeNext = true),
    throttle: (times, retryAfter = '1') => void (throttled = { times, retryAfter }),
    close: () => fake.server.close(),
  };
  const answer = (status: number, json: unknown, headers?: Record<string, string>) => {
    fake.statuses.push(status);
    return { status, json, headers };
  };

  fake.server = await startTestServer({
    'POST /auth/oauth/v2/token': (req) => {
      const form = new URLSearchParams(req.body);
      if (req.query.client_secret) fake.secretInQuery = true;
      const get = (k: string) => form.get(k) ?? req.query[k];
      if (get('grant_type') !== 'client_credentials') return answer(400, { error: 'unsupported_grant_type', error_description: 'The grant type was not supported' });
      if (get('client_id') !== clientId || get('client_secret') !== clientSecret) {
        return answer(401, { error: 'invalid_client', error_description: 'The given client credentials were not valid' });
      }
      const token = `dell-${++issued}-${Math.random().toString(36).slice(2, 10)}`;
      valid.add(token);
      return answer(200, { access_token: token, token_type: 'Bearer', expires_in: 3600, scope: 'oob' });
    },
    'POST /PROD/order-status/api/search': (req) => {
      const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
      if (revokeNext && token) {
        revokeNext = false;
        valid.delete(token);
      }
      if (!token || !valid.has(token)) return answer(401, { error: 'invalid_token', error_description: 'The access token provided is expired, revoked, malformed, or invalid' });
      if (throttled.times > 0) {
        throttled.times--;
        return answer(429, { error: 'too_many_requests', error_description: 'Quota exceeded' }, { 'retry-after': throttled.retryAfter });
      }
      if (req.headers['accepts-version'] !== '3.0') return answer(400, { errorMessage: 'Accepts-version header is required' });
      const search = (JSON.parse(req.body || '{}') as { searchParameter?: Array<{ key: string; values: string[] }> }).searchParameter ?? [];
      fake.searches.push(search);
      const values = (key: string) => search.find((p) => p.key === key)?.values ?? [];
      const matches = pos.filter((po) => {
        const orders = po.dellOrders as Array<{ orderNumber: string; dpId: string; countryCode: string }>;
        if (values('po_numbers').includes(po.purchaseOrderNumber as string)) return true;
        if (orders.some((o) => values('dp_ids').includes(o.dpId))) return true;
        return orders.some((o) => values('order_numbers').includes(o.orderNumber) && values('country_code').includes(o.countryCode));
      });
      return answer(200, { purchaseOrderDetails: matches });
    },
  });
  fake.url = fake.server.url;
  return fake;
}
