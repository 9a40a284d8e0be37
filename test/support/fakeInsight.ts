/**
 * An Insight order status API test server (a partner API behind Apigee), as the original and Apigee behave:
 * - POST /oauth/token?grant_type=client_credentials with Basic client_key:client_secret answers Apigee's token
 *   reply (token_type "BearerToken", expires_in as a string); a wrong client answers 401
 *   {"ErrorCode":"invalid_client","Error":"ClientId is Invalid"}.
 * - POST /{region}/GetStatus with `Authorization: Bearer <token>` and the MT_Status2Request body answers
 *   {"StatusOrderResponse":[{"Order":[...]}]} with the orders created in [from, to] (both ends included). An
 *   unknown or expired token answers 401 with Apigee's fault body; a range over 180 days or a wrong ClientID 400.
 * - On request: a 429 spike-arrest fault (Apigee sends no Retry-After), a failing window, tokens expired at once.
 */
import type { TestServer } from './httpTestServer.js';
import { startTestServer } from './httpTestServer.js';

export interface FakeInsightOptions {
  clientKey?: string;
  clientSecret?: string;
  clientId?: string;
  region?: string;
  /** Orders to serve: one per day from `firstDay`, `orders` of them. */
  orders?: number;
  firstDay?: string;
}

export interface FakeInsight {
  url: string;
  clientKey: string;
  clientSecret: string;
  clientId: string;
  server: TestServer;
  /** Windows asked for, "from..to", in order. */
  windows: string[];
  statuses: number[];
  tokensIssued: number;
  order(i: number): Record<string, unknown>;
  /** Serials of order i, in the order they appear. */
  serials(i: number): string[];
  /** Every token issued so far stops working once `windows` more status requests were answered (0: now). */
  expireTokens(windows?: number): void;
  /** The next `times` status requests answer 429 spike arrest. */
  throttle(times: number): void;
  /** Status requests whose window starts on `from` answer `status` the next `times` times. */
  failWindow(from: string, status: number, times?: number): void;
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;
const fault = (faultstring: string, errorcode: string) => ({ fault: { faultstring, detail: { errorcode } } });

export async function startFakeInsight(opts: FakeInsightOptions = {}): Promise<FakeInsight> {
  const clientKey = opts.clientKey ?? 'insight-key-7Qm2';
  const clientSecret = opts.clientSecret ?? 'insight-secret-Zx81-pQ0vR';
  const clientId = opts.clientId ?? '0010001234';
  const region = opts.region ?? 'NA';
  const count = opts.orders ?? 10;
  const first = Date.parse(`${opts.firstDay ?? '2026-01-01'}T00:00:00Z`);
  const valid = new Set<string>();
  const failing = new Map<string, { status: number; times: number }>();
  let throttled = 0;
  let issued = 0;
  let expireAfter = -1;

  const dayOf = (i: number) => new Date(first + (i - 1) * DAY_MS).toISOString().slice(0, 10);
  // Order i has i % 3 + 1 serials on its first line (" padded " as SAP writes them), an unshipped second line on
  // every fourth order, and tracking for the first serial only.
  const serials = (i: number) => Array.from({ length: (i % 3) + 1 }, (_, k) => `SN${String(i).padStart(4, '0')}${String.fromCharCode(65 + k)}`);
  const order = (i: number): Record<string, unknown> => ({
    OrderHeader: [{ SalesOrderNumber: `${4_000_000 + i}`, OrderCreationDate: dayOf(i), PONumber: `PO-${i}`, Currency: 'USD' }],
    OrderLineItems: [
      {
        LineNumber: '000010', MaterialID: `MAT-${i}`, Description: 'Latitude 7450', Quantity: String(serials(i).length),
        Delivery: [{
          DeliveryNumber: `80${i}`, ShipDate: dayOf(i + 2),
          SerialNumbers: serials(i).map((s) => ({ SerialNumber: ` ${s} ` })),
          BillingInformation: [{ InvoiceNumber: `INV-${i}`, InvoiceDate: dayOf(i + 3) }],
        }],
      },
      ...(i % 4 === 0 ? [{ LineNumber: '000020', MaterialID: 'WARRANTY', Description: '3y ProSupport', Quantity: '1' }] : []),
    ],
    Tracking: [{ SerialNumber: serials(i)[0], TrackingNumber: `1Z${i}`, Carrier: 'UPS' }],
  });

  const fake: FakeInsight = {
    url: '',
    clientKey,
    clientSecret,
    clientId,
    server: undefined as unknown as TestServer,
    windows: [],
    statuses: [],
    get tokensIssued() {
      return issued;
    },
    order,
    serials,
    expireTokens: (windows = 0) => (windows === 0 ? valid.clear() : void (expireAfter = windows)),
    throttle: (times) => void (throttled = times),
    failWindow: (from, status, times = 1) => void failing.set(from, { status, times }),
    close: () => fake.server.close(),
  };

  const answer = (status: number, json: unknown) => {
    fake.statuses.push(status);
    return { status, json };
  };

  fake.server = await startTestServer({
    'POST /oauth/token': (req) => {
      const basic = Buffer.from(`${clientKey}:${clientSecret}`).toString('base64');
      if (req.query.grant_type !== 'client_credentials') return answer(400, { ErrorCode: 'invalid_request', Error: 'Unsupported grant type : null' });
      if (req.headers.authorization !== `Basic ${basic}`) return answer(401, { ErrorCode: 'invalid_client', Error: 'ClientId is Invalid' });
      const token = `ins-${++issued}-${Math.random().toString(36).slice(2, 10)}`;
      valid.add(token);
      return answer(200, {
        refresh_token_expires_in: '0', token_type: 'BearerToken', issued_at: String(Date.now()), client_id: clientKey,
        access_token: token, application_name: 'oomnitza-connector', scope: '', expires_in: '3599', status: 'approved',
      });
    },
    [`POST /${region}/GetStatus`]: (req) => {
      const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
      if (!token || !valid.has(token)) return answer(401, fault('Invalid Access Token', 'keymanagement.service.invalid_access_token'));
      if (throttled > 0) {
        throttled--;
        return answer(429, fault('Spike arrest violation. Allowed rate : MessageRate{messagesPerPeriod=10, periodInMicroseconds=1000000}', 'policies.ratelimit.SpikeArrestViolation'));
      }
      const request = (JSON.parse(req.body || '{}') as { MT_Status2Request?: { StatusRequest?: Array<Record<string, string>> } }).MT_Status2Request?.StatusRequest?.[0];
      if (!request) return answer(400, fault('Missing MT_Status2Request', 'steps.jsonthreatprotection.ExecutionFailed'));
      const from = request.OrderCreationDateFrom;
      const to = request.OrderCreationDateTo;
      fake.windows.push(`${from}..${to}`);
      const failure = failing.get(from);
      if (failure && failure.times > 0) {
        failure.times--;
        return failure.status >= 500
          ? answer(failure.status, fault('The Service is temporarily unavailable', 'messaging.adaptors.http.flow.ServiceUnavailable'))
          : answer(failure.status, { Message: 'The request could not be processed' });
      }
      if (request.ClientID !== clientId) return answer(400, { StatusOrderResponse: [], Message: `ClientID ${request.ClientID} unknown` });
      if ((Date.parse(to) - Date.parse(from)) / DAY_MS > 180) return answer(400, { Message: 'Date range must not exceed 180 days' });
      if (expireAfter > 0 && --expireAfter === 0) valid.clear();
      const orders = Array.from({ length: count }, (_, k) => k + 1).filter((i) => dayOf(i) >= from && dayOf(i) <= to).map(order);
      return answer(200, { StatusOrderResponse: [{ Order: orders }] });
    },
  });
  fake.url = fake.server.url;
  return fake;
}
