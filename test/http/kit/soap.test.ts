/** SOAP 1.1 on fast-xml-parser: envelopes built with every value escaped, messages read, faults found; SOAP pages. */
import { HttpClient } from '../../../src/http/client.js';
import { custom, paginate } from '../../../src/http/paginate/index.js';
import { asList, isXmlText, parseSoap, soapEnvelope, soapFaultText, soapHeaders, textOf, wsseUsernameToken } from '../../../src/http/soap.js';
import { startTestServer, type TestServer } from '../../support/httpTestServer.js';

const HOSTILE = `a&b<c>d"e'f]]></Password><x>`;

test('an envelope: the XML declaration, the WS-Security header, the payload; values escaped, never spliced', () => {
  const xml = soapEnvelope({ header: wsseUsernameToken('ann@example.com', HOSTILE), body: { Ping: { '@xmlns': 'urn:t', note: HOSTILE, empty: null, gone: undefined, item: ['1', '2'] } } });
  expect(xml).toBe('<?xml version="1.0" encoding="UTF-8"?>' +
    '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Header>' +
    '<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" SOAP-ENV:mustUnderstand="1">' +
    '<wsse:UsernameToken><wsse:Username>ann@example.com</wsse:Username>' +
    '<wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">a&amp;b&lt;c&gt;d&quot;e&apos;f]]&gt;&lt;/Password&gt;&lt;x&gt;</wsse:Password>' +
    '</wsse:UsernameToken></wsse:Security></SOAP-ENV:Header><SOAP-ENV:Body>' +
    '<Ping xmlns="urn:t"><note>a&amp;b&lt;c&gt;d&quot;e&apos;f]]&gt;&lt;/Password&gt;&lt;x&gt;</note><empty/><item>1</item><item>2</item></Ping>' +
    '</SOAP-ENV:Body></SOAP-ENV:Envelope>');
  // What goes in comes back out unchanged.
  const parsed = parseSoap(xml).body.Ping as Record<string, unknown>;
  expect(parsed.note).toBe(HOSTILE);
  expect(parsed.empty).toBeNull();
});

test('an attribute whose value is "true" keeps its value (the builder would write a bare, invalid attribute)', () => {
  expect(soapEnvelope({ body: { A: { '@flag': 'true' } } })).toContain('<A flag="true"/>');
});

test('characters XML cannot carry are refused, naming the element and not the value', () => {
  expect(isXmlText('ok\ttab\nline')).toBe(true);
  expect(isXmlText('bell\u0007')).toBe(false);
  expect(() => soapEnvelope({ header: wsseUsernameToken('ann', 'pw\u0000secret'), body: { A: 'x' } }))
    .toThrow('the SOAP wsse:Password holds a character XML cannot carry (a control character?)');
});

test('a response: prefixes dropped, attributes kept, empty and xsi:nil elements null', () => {
  const msg = parseSoap(`<?xml version="1.0"?><S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
    <S:Header/><S:Body><ns2:R xmlns:ns2="urn:x" ns2:requestId="r1"><ns2:a>x &amp; y</ns2:a><ns2:b xsi:nil="true"/><ns2:c></ns2:c>
    <ns2:t msisdn="15550100"><ns2:i>1</ns2:i></ns2:t><ns2:t msisdn="15550101"><ns2:i>2</ns2:i></ns2:t></ns2:R></S:Body></S:Envelope>`);
  expect(msg).toEqual({ body: { R: { '@requestId': 'r1', a: 'x & y', b: null, c: null, t: [{ '@msisdn': '15550100', i: '1' }, { '@msisdn': '15550101', i: '2' }] } } });
  expect(asList(undefined)).toEqual([]);
  expect(asList('one')).toEqual(['one']);
});

test('a fault: code, faultstring (with xml:lang), detail; soapFaultText says faultstring and the first detail text', () => {
  const xml = `<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body><SOAP-ENV:Fault>
    <faultcode>SOAP-ENV:Client</faultcode><faultstring xml:lang="en">400200</faultstring>
    <detail><jws:error xmlns:jws="urn:j">Security validation error.</jws:error><jws:exception xmlns:jws="urn:j">x.Y</jws:exception></detail>
    </SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>`;
  const { fault } = parseSoap(xml);
  expect(fault).toMatchObject({ code: 'SOAP-ENV:Client', message: '400200' });
  expect(textOf((fault!.detail as Record<string, unknown>).error)).toBe('Security validation error.');
  expect(soapFaultText(xml)).toBe('400200: Security validation error.');
  expect(soapFaultText('<html>Bad Gateway</html>')).toBeUndefined();
});

test('a DTD (entity expansion), malformed XML and a document that is no envelope are errors', () => {
  expect(() => parseSoap('<!DOCTYPE a [<!ENTITY x "y">]><Envelope><Body/></Envelope>')).toThrow('contains a DTD');
  expect(() => parseSoap('<Envelope><Body></Envelope>')).toThrow(/malformed XML at line 1/);
  expect(() => parseSoap('<html><body>hi</body></html>')).toThrow('not a SOAP envelope');
});

describe('paginate with a SOAP body', () => {
  let server: TestServer;
  const client = new HttpClient({ section: 'soap', tls: { verify: true } });
  afterAll(async () => {
    await client.close();
    await server?.close();
  });

  test('each page goes as an encoded envelope with its token in place, and is read by decode', async () => {
    server = await startTestServer({
      'POST /svc': (req) => {
        // The first page goes as given (no token), then page 2, 3.
        const page = Number(/<page>(\d+)<\/page>/.exec(req.body)?.[1] ?? 1);
        return { headers: { 'content-type': 'text/xml' }, body: soapEnvelope({ body: { R: { item: [`p${page}a`, `p${page}b`], last: page === 3 ? 'true' : 'false' } } }) };
      },
    });
    const items = paginate<string>(client, {
      path: `${server.url}/svc`,
      method: 'POST',
      headers: soapHeaders('urn:t/List'),
      body: { filter: 'a<b' },
      encodeBody: (b) => soapEnvelope({ body: { List: b as Record<string, unknown> } }),
      decode: (res) => parseSoap(res.text).body.R,
      items: 'item',
      strategy: custom((p) => ((p.body as { last: string }).last === 'true' ? undefined : Number(p.token ?? 1) + 1), { body: 'page' }),
    });
    const got: string[] = [];
    for await (const item of items) got.push(item);
    expect(got).toEqual(['p1a', 'p1b', 'p2a', 'p2b', 'p3a', 'p3b']);
    expect(server.requests.map((r) => r.body)).toEqual([1, 2, 3].map((n) => soapEnvelope({ body: { List: { filter: 'a<b', ...(n > 1 ? { page: n } : {}) } } })));
    expect(server.requests[0].headers).toMatchObject({ 'content-type': 'text/xml; charset=utf-8', accept: 'text/xml', soapaction: '"urn:t/List"' });
  });
});
