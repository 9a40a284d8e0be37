/**
 * SOAP 1.1 over HTTP on a maintained XML library (fast-xml-parser): envelopes are built from objects by its
 * XMLBuilder, which escapes every value, and read by its XMLParser; no XML is ever pieced together from strings.
 * - https://www.w3.org/TR/2000/NOTE-SOAP-20000508/ (envelope, faults sent as HTTP 500, no DTD in a message)
 * - WS-Security UsernameToken with a PasswordText password:
 *   https://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0.pdf
 *
 * Objects use the builder's conventions: `@name` is an attribute, `#text` the text beside attributes, an array is a
 * repeated element, null an empty element, undefined leaves the element out. Parsed responses drop namespace
 * prefixes (`SOAP-ENV:Body` and `ns2:iccids` are `Body` and `iccids`), keep values as strings, read an empty or
 * `xsi:nil` element as null, and leave attributes as `@name`.
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { XML_PARSER_OPTIONS } from './xml.js';

export const SOAP_ENVELOPE_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const WSSE_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const PASSWORD_TEXT = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText';

/** The headers of a SOAP 1.1 request for `action` (the operation's soapAction from the WSDL; quoted, as required). */
export function soapHeaders(action: string): Record<string, string> {
  return { 'content-type': 'text/xml; charset=utf-8', accept: 'text/xml', soapaction: `"${action}"` };
}

// suppressBooleanAttributes would write an attribute whose value is "true" without its value (not XML).
const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', textNodeName: '#text', format: false, suppressEmptyNode: true, suppressBooleanAttributes: false });

/** A whole SOAP 1.1 request: `header` blocks (e.g. wsseUsernameToken) and the body's payload element. */
export function soapEnvelope(o: { header?: Record<string, unknown>; body: Record<string, unknown> }): string {
  checkText(o);
  return builder.build({
    '?xml': { '@version': '1.0', '@encoding': 'UTF-8' },
    'SOAP-ENV:Envelope': {
      '@xmlns:SOAP-ENV': SOAP_ENVELOPE_NS,
      ...(o.header ? { 'SOAP-ENV:Header': o.header } : {}),
      'SOAP-ENV:Body': o.body,
    },
  }) as string;
}

/** The WS-Security header block carrying a user name and a plain-text password (over TLS), as suds' UsernameToken. */
export function wsseUsernameToken(username: string, password: string): Record<string, unknown> {
  return {
    'wsse:Security': {
      '@xmlns:wsse': WSSE_NS,
      '@SOAP-ENV:mustUnderstand': '1',
      'wsse:UsernameToken': {
        'wsse:Username': username,
        'wsse:Password': { '@Type': PASSWORD_TEXT, '#text': password },
      },
    },
  };
}

/** Characters XML 1.0 cannot carry, even escaped (https://www.w3.org/TR/xml/#charsets). */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when `value` can be sent in an XML document. */
export function isXmlText(value: string): boolean {
  return !NOT_XML.test(value);
}

function checkText(value: unknown, at = 'envelope'): void {
  if (typeof value === 'string') {
    if (!isXmlText(value)) throw new TypeError(`the SOAP ${at} holds a character XML cannot carry (a control character?)`);
  } else if (value && typeof value === 'object') {
    // Name the element (or attribute) in the message, never the value.
    for (const [k, v] of Object.entries(value)) checkText(v, /^\d+$/.test(k) || k === '#text' ? at : k.replace(/^@/, ''));
  }
}

/** A SOAP fault as the server sent it. */
export interface SoapFault {
  /** e.g. `SOAP-ENV:Client` or `SOAP-ENV:Server` (the prefix as sent). */
  code: string;
  /** faultstring; some vendors put an error code here (Cisco Control Center: "400200"). */
  message: string;
  /** The parsed `detail` element, null when absent. */
  detail: unknown;
}

export interface SoapMessage {
  /** The body's first element, by local name, e.g. `{ GetModifiedTerminalsResponse: {...} }`; {} when empty. */
  body: Record<string, unknown>;
  fault?: SoapFault;
}

// The kit's XML reading, with namespace prefixes dropped (SOAP servers choose their own: ns2:, SOAP-ENV:, ...).
const parser = new XMLParser({ ...XML_PARSER_OPTIONS, removeNSPrefix: true });

/** Reads a SOAP 1.1 message; throws on malformed XML, a DTD (SOAP forbids them: entity bombs) or a missing Body. */
export function parseSoap(text: string): SoapMessage {
  if (/<!DOCTYPE/i.test(text)) throw new Error('the SOAP message contains a DTD, which SOAP forbids');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new Error(`malformed XML at line ${valid.err.line}: ${valid.err.msg}`);
  const doc = parser.parse(text) as Record<string, unknown>;
  const envelope = doc.Envelope as Record<string, unknown> | undefined;
  const body = envelope && typeof envelope === 'object' ? envelope.Body : undefined;
  if (body === undefined) throw new Error('not a SOAP envelope (no Envelope/Body)');
  const content = (body && typeof body === 'object' ? normalize(body) : {}) as Record<string, unknown>;
  const fault = content.Fault as Record<string, unknown> | undefined;
  if (fault && typeof fault === 'object') {
    return { body: content, fault: { code: textOf(fault.faultcode), message: textOf(fault.faultstring), detail: fault.detail ?? null } };
  }
  return { body: content };
}

/** The server's explanation in a SOAP fault body (for the client's `errorText`): "faultstring: first detail text". */
export function soapFaultText(body: string): string | undefined {
  if (!/Fault/.test(body)) return undefined;
  try {
    const { fault } = parseSoap(body);
    if (!fault) return undefined;
    const detail = firstText(fault.detail);
    return detail && detail !== fault.message ? `${fault.message}: ${detail}` : fault.message;
  } catch {
    return undefined;
  }
}

/** An element that may occur once or many times, as a list; absent or null is empty. */
export function asList<T = unknown>(value: unknown): T[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as T[];
}

/** The text of a simple element (also one with attributes); '' when empty. */
export function textOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object' && !Array.isArray(value)) return textOf((value as Record<string, unknown>)['#text']);
  return String(value);
}

function firstText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    for (const v of value) {
      const t = firstText(v);
      if (t) return t;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k.startsWith('@')) continue;
      const t = firstText(v);
      if (t) return t;
    }
  }
  return undefined;
}

/** '' (an empty element) and `xsi:nil="true"` become null; attributes stay. */
function normalize(value: unknown): unknown {
  if (value === '') return null;
  if (Array.isArray(value)) return value.map(normalize);
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if ((value as Record<string, unknown>)['@nil'] === 'true' || (value as Record<string, unknown>)['@nil'] === '1') return null;
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) out[k] = k.startsWith('@') ? v : normalize(v);
    return out;
  }
  return value;
}
