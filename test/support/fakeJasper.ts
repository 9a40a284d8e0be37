/**
 * A Cisco IoT Control Center (Jasper) Terminal API test server speaking SOAP 1.1 as Control Center does:
 * - GET /ws/schema/Terminal.wsdl: the Terminal WSDL, its soap:address pointing at this server.
 * - POST /ws/service/terminal: a SOAP envelope whose header carries a WS-Security UsernameToken (PasswordText)
 *   and whose request element (namespace http://api.jasperwireless.com/ws/schema) carries messageId, version and
 *   licenseKey. A missing or wrong token answers fault 400200, a wrong license key fault 400100, as HTTP 500
 *   with faultcode SOAP-ENV:Client, the code in faultstring and the explanation in detail/error.
 * - GetModifiedTerminals(since, pageNumber): the ICCIDs modified after `since` (not inclusive), oldest change
 *   first, `pageSize` a page, with totalPages and the server's timestamp.
 * - GetTerminalDetails(iccids): at most 50; unknown ICCIDs are left out; each terminal in TerminalType order with
 *   its msisdn as an attribute.
 * - On request: fault 400101 (the license's rate limit) for the next requests, fault 400201 for an ICCID, a
 *   terminal listed as modified whose details are gone.
 */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { startTestServer, type TestResponse, type TestServer } from './httpTestServer.js';

const NS = 'http://api.jasperwireless.com/ws/schema';
const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const WSSE_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const PASSWORD_TEXT = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText';
export const ACTION = (op: string) => `http://api.jasperwireless.com/ws/service/terminal/${op}`;

export interface FakeJasperOptions {
  terminals?: number;
  pageSize?: number;
  username?: string;
  password?: string;
  licenseKey?: string;
}

export interface JasperCall {
  op: string;
  soapAction?: string;
  since?: string;
  pageNumber?: number;
  iccids?: string[];
  /** The fault code answered, if any. */
  fault?: string;
  /** The response's timestamp (successful answers). */
  timestamp?: string;
}

export interface FakeJasper {
  url: string;
  wsdlUrl: string;
  username: string;
  password: string;
  licenseKey: string;
  server: TestServer;
  calls: JasperCall[];
  iccid(i: number): string;
  /** Terminal i's fields as TerminalType names them (strings as sent; msisdn is the attribute). */
  terminal(i: number): Record<string, unknown>;
  /** Marks terminal i modified at `at` (an xs:dateTime). */
  modify(i: number, at: string): void;
  /** The next `times` requests answer fault 400101 (over the license's rate limit). */
  throttle(times: number): void;
  /** GetTerminalDetails naming this ICCID answers fault 400201 (access violation). */
  refuse(iccid: string): void;
  /** Terminal i is still listed as modified, but GetTerminalDetails leaves it out (purged meanwhile). */
  vanish(i: number): void;
  close(): Promise<void>;
}

const FAULTS: Record<string, string> = {
  '400100': 'Invalid license key. Please use a valid API license key.',
  '400101': 'License has exceeded the rate limit for API calls.',
  '400200': 'Security validation error. Your username or password is incorrect.',
  '400201': 'Access violation error. Please check your login - you may be trying to access a SIM that belongs to a different Account or Service Provider.',
  '400400': 'Too many entries',
};
const EXCEPTIONS: Record<string, string> = {
  '400100': 'com.jasperwireless.ws.ApiLicenseValidationException',
  '400200': 'com.jasperwireless.ws.ApiSecurityValidationException',
};

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', textNodeName: '#text', suppressEmptyNode: true, suppressBooleanAttributes: false });
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', textNodeName: '#text', parseTagValue: false, removeNSPrefix: false });

type Node = Record<string, unknown>;

/** The child of `node` with this local name (whatever its prefix), with the prefix it had. */
function child(node: unknown, name: string): { value: unknown; prefix?: string } | undefined {
  if (!node || typeof node !== 'object') return undefined;
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@')) continue;
    const [prefix, local] = key.includes(':') ? key.split(':') : [undefined, key];
    if (local === name) return { value, prefix };
  }
  return undefined;
}
const text = (v: unknown): string => (v && typeof v === 'object' ? text((v as Node)['#text']) : v === undefined || v === null ? '' : String(v));
const list = (v: unknown): unknown[] => (v === undefined || v === null || v === '' ? [] : Array.isArray(v) ? v : [v]);
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
const epoch = (s: string) => Date.parse(/(Z|[+-]\d{2}:\d{2})$/.test(s) ? s : `${s}Z`);

export async function startFakeJasper(opts: FakeJasperOptions = {}): Promise<FakeJasper> {
  const username = opts.username ?? 'api-user@example.com';
  const password = opts.password ?? 'J4sper<&>"pass';
  const licenseKey = opts.licenseKey ?? '9f2c1d7e-5b6a-4c3d-8e9f-0a1b2c3d4e5f';
  const count = opts.terminals ?? 10;
  const pageSize = opts.pageSize ?? 50;
  const calls: JasperCall[] = [];
  const modified = new Map<number, string>();
  const refused = new Set<string>();
  const vanished = new Set<number>();
  let throttled = 0;
  // The server's clock: one second per answer, so every timestamp is distinct and known to the test.
  let clock = Date.parse('2026-05-01T12:00:00Z');

  const iccid = (i: number) => `8901170425231${String(i).padStart(7, '0')}`;
  const dateModified = (i: number) => modified.get(i) ?? new Date(Date.parse('2026-01-01T00:00:00Z') + i * 3_600_000).toISOString();
  const terminal = (i: number): Record<string, unknown> => ({
    '@msisdn': `1555010${String(i).padStart(4, '0')}`,
    iccid: iccid(i),
    terminalId: i % 2 ? `device-${i}` : undefined,
    modemId: undefined,
    customer: 'Acme Fleet',
    endConsumerId: null,
    suspended: 'N',
    ratePlan: 'IoT 5MB Pool',
    status: i % 5 === 0 ? 'DEACTIVATED' : 'ACTIVATED',
    monthToDateUsage: `${i}.25`,
    overageLimitReached: i % 4 === 0 ? 'true' : 'false',
    overageLimitOverride: 'DEFAULT',
    dateActivated: `2025-06-${String((i % 28) + 1).padStart(2, '0')}T08:30:00.123-07:00`,
    dateAdded: '2025-05-01T00:00:00.000Z',
    dateModified: dateModified(i),
    // minOccurs="0": never shipped terminals have none; one has a value no date parser accepts.
    dateShipped: i === 3 ? '0000-00-00T00:00:00' : i % 3 === 0 ? undefined : '2025-05-20T16:00:00',
    monthToDateDataUsage: `${i * 2}.5`,
    monthToDateSMSUsage: '0',
    monthToDateVoiceUsage: '0.0',
    secureSimId: null,
    custom1: `asset-tag-${i}`,
    custom2: null,
    custom3: null,
    rating: { termStartDate: '2025-06-01T00:00:00Z', renewalPolicy: 'AUTO', totalPrimaryIncludedData: '5.0', primaryDataRemaining: `${5 - i / 10}` },
    secureSimUsernameCopyRule: null,
    secureSimPasswordCopyRule: null,
    accountId: '100020620',
    fixedIpAddress: { '@xsi:nil': 'true' },
    ctdSessionCount: String(i * 3),
    customerCustom1: null, customerCustom2: null, customerCustom3: null, customerCustom4: null, customerCustom5: null,
    operatorCustom1: null, operatorCustom2: null, operatorCustom3: null, operatorCustom4: null, operatorCustom5: null,
    imsi: `31017000000${String(i).padStart(4, '0')}`,
    primaryICCID: undefined,
    imei: `3520990000${String(i).padStart(5, '0')}`,
    globalSimType: undefined,
    simNotes: i === 2 ? 'Note with <markup> & "quotes"' : undefined,
    version: '3',
    custom4: null, custom5: null, custom6: null, custom7: null, custom8: null, custom9: null, custom10: null,
  });

  const envelope = (body: Node): string =>
    builder.build({
      '?xml': { '@version': '1.0', '@encoding': 'UTF-8' },
      'SOAP-ENV:Envelope': { '@xmlns:SOAP-ENV': SOAP_NS, 'SOAP-ENV:Header': null, 'SOAP-ENV:Body': body },
    }) as string;
  const xml = (status: number, body: string): TestResponse => ({ status, headers: { 'content-type': 'text/xml;charset=utf-8' }, body });
  const fault = (call: JasperCall, code: string, faultcode = 'SOAP-ENV:Client', message = FAULTS[code]): TestResponse => {
    call.fault = code;
    return xml(500, envelope({
      'SOAP-ENV:Fault': {
        faultcode,
        faultstring: { '@xml:lang': 'en', '#text': code },
        detail: {
          'ns2:error': { '@xmlns:ns2': NS, '#text': message },
          'ns2:exception': { '@xmlns:ns2': NS, '#text': EXCEPTIONS[code] ?? 'com.jasperwireless.ws.ApiException' },
        },
      },
    }));
  };
  const answer = (op: string, messageId: string, call: JasperCall, fields: Node): TestResponse => {
    const timestamp = new Date((clock += 1000)).toISOString();
    call.timestamp = timestamp;
    return xml(200, envelope({
      [`ns2:${op}Response`]: {
        '@xmlns:ns2': NS,
        '@ns2:requestId': `req-${calls.length}`,
        'ns2:correlationId': messageId,
        'ns2:version': '1.0',
        'ns2:build': 'jasper_release_6.23',
        'ns2:timestamp': timestamp,
        ...fields,
      },
    }));
  };
  const prefixed = (node: Node): Node =>
    Object.fromEntries(Object.entries(node).filter(([, v]) => v !== undefined).map(([k, v]) => [k.startsWith('@') ? k : `ns2:${k}`,
      v && typeof v === 'object' && !Array.isArray(v) && !Object.keys(v).some((key) => key.startsWith('@xsi')) ? prefixed(v as Node) : v]));

  const handle = (raw: string, soapAction: string | undefined): TestResponse => {
    const call: JasperCall = { op: '?', soapAction };
    calls.push(call);
    let doc: Node;
    try {
      doc = parser.parse(raw) as Node;
    } catch {
      return fault(call, 'Validation error', 'SOAP-ENV:Client', 'Could not read the XML');
    }
    const env = child(doc, 'Envelope')?.value as Node | undefined;
    const body = child(env, 'Body')?.value as Node | undefined;
    const payloadKey = body && Object.keys(body).find((k) => !k.startsWith('@'));
    if (!env || !body || !payloadKey) return fault(call, 'Validation error', 'SOAP-ENV:Client', 'Not a SOAP envelope');
    const payload = body[payloadKey] as Node;
    const prefix = payloadKey.includes(':') ? payloadKey.split(':')[0] : undefined;
    const ns = prefix ? (payload[`@xmlns:${prefix}`] ?? body[`@xmlns:${prefix}`] ?? env[`@xmlns:${prefix}`]) : payload['@xmlns'];
    const op = payloadKey.replace(/^.*:/, '').replace(/Request$/, '');
    call.op = op;
    if (ns !== NS) return fault(call, 'Validation error', 'SOAP-ENV:Client', `No endpoint mapping found for ${payloadKey} in namespace ${String(ns)}`);

    // WS-Security first, as Control Center's XWSS interceptor does.
    const token = child(child(child(env, 'Header')?.value, 'Security')?.value, 'UsernameToken')?.value as Node | undefined;
    if (!token) return fault(call, '400200', 'SOAP-ENV:Client', `${FAULTS['400200']} (No Security Header found)`);
    const pw = child(token, 'Password')?.value;
    const pwType = pw && typeof pw === 'object' ? (pw as Node)['@Type'] : undefined;
    if (text(child(token, 'Username')?.value) !== username || text(pw) !== password || (pwType !== undefined && pwType !== PASSWORD_TEXT)) return fault(call, '400200');
    const field = (name: string) => child(payload, name)?.value;
    if (text(field('licenseKey')) !== licenseKey) return fault(call, '400100');
    if (throttled > 0) {
      throttled--;
      return fault(call, '400101', 'SOAP-ENV:Server');
    }
    const messageId = text(field('messageId'));

    if (op === 'GetModifiedTerminals') {
      const since = text(field('since'));
      const page = Number(text(field('pageNumber')) || '1');
      call.since = since;
      call.pageNumber = page;
      if (since && !DATE_TIME.test(since)) return fault(call, 'Validation error', 'SOAP-ENV:Client', `Value '${since}' is not a valid dateTime`);
      const after = since ? epoch(since) : -Infinity;
      const found = Array.from({ length: count }, (_, k) => k + 1)
        .filter((i) => epoch(dateModified(i)) > after)
        .sort((a, b) => epoch(dateModified(a)) - epoch(dateModified(b)) || a - b);
      const totalPages = Math.max(1, Math.ceil(found.length / pageSize));
      const onPage = found.slice((page - 1) * pageSize, page * pageSize);
      return answer(op, messageId, call, {
        'ns2:iccids': onPage.length ? { 'ns2:iccid': onPage.map(iccid) } : null,
        'ns2:totalPages': String(totalPages),
      });
    }
    if (op === 'GetTerminalDetails') {
      const asked = list(child(field('iccids'), 'iccid')?.value).map(text);
      call.iccids = asked;
      if (asked.length === 0) return fault(call, 'Validation error', 'SOAP-ENV:Client', 'At least one iccid is required');
      if (asked.length > 50) return fault(call, '400400');
      if (asked.some((a) => refused.has(a))) return fault(call, '400201');
      const known = asked.map((a) => Array.from({ length: count }, (_, k) => k + 1).find((i) => iccid(i) === a)).filter((i): i is number => i !== undefined && !vanished.has(i));
      // "The returned results are not guaranteed to be in the same ordering as the request."
      const terminals = known.reverse().map((i) => prefixed(terminal(i)));
      return answer(op, messageId, call, { 'ns2:terminals': terminals.length ? { 'ns2:terminal': terminals.map((t) => ({ ...t, '@xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance' })) } : null });
    }
    return fault(call, 'Validation error', 'SOAP-ENV:Client', `No endpoint mapping found for ${payloadKey}`);
  };

  let server: TestServer;
  const wsdl = () => `<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:sch="${NS}" xmlns:tns="${NS}" targetNamespace="${NS}">
  <wsdl:types><xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema"><xsd:import namespace="${NS}" schemaLocation="JasperAPI.xsd"/></xsd:schema></wsdl:types>
  <wsdl:message name="GetModifiedTerminalsRequest"><wsdl:part element="sch:GetModifiedTerminalsRequest" name="body"/></wsdl:message>
  <wsdl:message name="GetModifiedTerminalsResponse"><wsdl:part element="sch:GetModifiedTerminalsResponse" name="body"/></wsdl:message>
  <wsdl:message name="GetTerminalDetailsRequest"><wsdl:part element="sch:GetTerminalDetailsRequest" name="body"/></wsdl:message>
  <wsdl:message name="GetTerminalDetailsResponse"><wsdl:part element="sch:GetTerminalDetailsResponse" name="body"/></wsdl:message>
  <wsdl:portType name="Terminal">
    <wsdl:operation name="GetModifiedTerminals"><wsdl:input message="tns:GetModifiedTerminalsRequest"/><wsdl:output message="tns:GetModifiedTerminalsResponse"/></wsdl:operation>
    <wsdl:operation name="GetTerminalDetails"><wsdl:input message="tns:GetTerminalDetailsRequest"/><wsdl:output message="tns:GetTerminalDetailsResponse"/></wsdl:operation>
  </wsdl:portType>
  <wsdl:binding name="TerminalBinding" type="tns:Terminal">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="GetModifiedTerminals"><soap:operation soapAction="${ACTION('GetModifiedTerminals')}"/><wsdl:input><soap:body use="literal"/></wsdl:input><wsdl:output><soap:body use="literal"/></wsdl:output></wsdl:operation>
    <wsdl:operation name="GetTerminalDetails"><soap:operation soapAction="${ACTION('GetTerminalDetails')}"/><wsdl:input><soap:body use="literal"/></wsdl:input><wsdl:output><soap:body use="literal"/></wsdl:output></wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="TerminalService">
    <wsdl:port binding="tns:TerminalBinding" name="TerminalPort"><soap:address location="${server.url}/ws/service/terminal"/></wsdl:port>
  </wsdl:service>
</wsdl:definitions>`;

  server = await startTestServer({
    'GET /ws/schema/Terminal.wsdl': () => xml(200, wsdl()),
    'POST /ws/service/terminal': (req) => {
      if (!String(req.headers['content-type'] ?? '').startsWith('text/xml')) return { status: 415, body: 'Unsupported Media Type' };
      return handle(req.body, req.headers.soapaction as string | undefined);
    },
  });

  return {
    url: server.url,
    wsdlUrl: `${server.url}/ws/schema/Terminal.wsdl`,
    username,
    password,
    licenseKey,
    server,
    calls,
    iccid,
    terminal,
    modify: (i, at) => void modified.set(i, at),
    throttle: (times) => void (throttled = times),
    refuse: (value) => void refused.add(value),
    vanish: (i) => void vanished.add(i),
    close: () => server.close(),
  };
}
