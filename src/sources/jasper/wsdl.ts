/**
 * The Terminal WSDL `wsdl_path` names, read as suds read it for the original: where the service listens
 * (`service/port/soap:address@location`) and each operation's SOAPAction (`binding/operation/soap:operation`).
 * The WSDL may be a URL (Control Center serves it at /ws/schema/Terminal.wsdl) or a file.
 * https://www.w3.org/TR/2001/NOTE-wsdl-20010315#_soap:address
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ConfigError } from '../../errors.js';
import { asList, displayUrl, type HttpClient } from '../../http/index.js';

export interface TerminalService {
  /** The SOAP endpoint, e.g. https://api.jasperwireless.com/ws/service/terminal. */
  endpoint: string;
  /** soapAction per operation name. */
  actions: Record<string, string>;
}

/** Where the WSDL is: an http(s) URL, or a file (a path relative to the INI folder, or a file:// URL). */
export type WsdlLocation = { kind: 'url'; url: string } | { kind: 'file'; path: string };

export function wsdlLocation(raw: string, configDir: string, section: string): WsdlLocation {
  const text = raw.trim();
  if (/^https?:\/\//i.test(text)) {
    try {
      return { kind: 'url', url: new URL(text).toString() };
    } catch {
      throw new ConfigError({ section, key: 'wsdl_path' }, `"${raw}" is not a URL`);
    }
  }
  if (/^file:\/\//i.test(text)) return { kind: 'file', path: fileURLToPath(text) };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) throw new ConfigError({ section, key: 'wsdl_path' }, `"${raw}" must be an http(s) URL or a file`);
  return { kind: 'file', path: path.resolve(configDir, text) };
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', removeNSPrefix: true, parseTagValue: false, ignoreDeclaration: true });

/** Reads the WSDL (a failure names wsdl_path) and finds the endpoint and the SOAPActions of `operations`. */
export async function loadTerminalService(where: WsdlLocation, http: HttpClient, section: string, operations: string[], signal?: AbortSignal): Promise<TerminalService> {
  const shown = where.kind === 'url' ? displayUrl(where.url) : where.path;
  const wrong = (what: string) => new ConfigError({ section, key: 'wsdl_path' }, `${shown}: ${what}`);
  let text: string;
  if (where.kind === 'url') {
    const res = await http.request('GET', where.url, { headers: { accept: 'text/xml, application/xml' }, acceptStatus: [404, 410], signal });
    if (res.status !== 200) throw wrong(`no WSDL there (HTTP ${res.status}); wsdl_path must be the Terminal WSDL of your Control Center, e.g. https://api.jasperwireless.com/ws/schema/Terminal.wsdl`);
    text = res.text;
  } else {
    try {
      text = await fs.readFile(where.path, 'utf8');
    } catch (err) {
      throw wrong(`cannot read the WSDL file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  if (/<!DOCTYPE/i.test(text) || XMLValidator.validate(text) !== true) throw wrong('not a WSDL document (not well-formed XML)');
  const definitions = (parser.parse(text) as Record<string, unknown>).definitions as Record<string, unknown> | undefined;
  if (!definitions || typeof definitions !== 'object') throw wrong('not a WSDL document (no wsdl:definitions)');

  const actions: Record<string, string> = {};
  for (const binding of asList<Record<string, unknown>>(definitions.binding)) {
    for (const op of asList<Record<string, unknown>>(binding.operation)) {
      const action = (op.operation as Record<string, unknown> | undefined)?.['@soapAction'];
      if (typeof op['@name'] === 'string' && typeof action === 'string') actions[op['@name']] ??= action;
    }
  }
  const missing = operations.filter((op) => actions[op] === undefined);
  if (missing.length) throw wrong(`the WSDL has no SOAP operation ${missing.join(', ')}; wsdl_path must be the Terminal WSDL (…/ws/schema/Terminal.wsdl)`);

  const base = where.kind === 'url' ? where.url : undefined;
  for (const service of asList<Record<string, unknown>>(definitions.service)) {
    for (const port of asList<Record<string, unknown>>(service.port)) {
      for (const address of asList<Record<string, unknown>>(port.address)) {
        const location = address['@location'];
        if (typeof location !== 'string') continue;
        try {
          const endpoint = new URL(location, base);
          if (endpoint.protocol === 'https:' || endpoint.protocol === 'http:') return { endpoint: endpoint.toString(), actions };
        } catch {
          // not a URL: try the next port
        }
      }
    }
  }
  throw wrong('the WSDL names no http(s) service address (wsdl:service/wsdl:port/soap:address)');
}
