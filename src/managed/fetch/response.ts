/**
 * A SaaS reply as the templates see it (§9.8): the body as JSON, else XML in xmltodict's shape, else the text;
 * the headers as one map (repeated headers joined with ", " as requests does; the template engine makes every
 * `*response_headers` map case-insensitive); the Link header parsed the way requests' `response.links` does.
 */
import { parseXml, type HttpResponse } from '../../http/index.js';

export interface ParsedReply {
  text: string;
  body: unknown;
  headers: Record<string, string>;
  links: Record<string, Record<string, string>>;
}

export function parseReply(response: HttpResponse): ParsedReply {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { text: response.text, body: parseBody(response.text), headers, links: parseLinks(headers.link) };
}

export function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // not JSON: XML next, as the original tries
  }
  try {
    return parseXml(text);
  } catch {
    return text;
  }
}

const QUOTES = /^[ '"]+|[ '"]+$/g;

/**
 * requests' parse_header_links: links split at `, <`; each is `<url>; key=value; ...` with spaces and quotes trimmed;
 * a parameter without exactly one `=` ends that link's parameters. Keyed by rel, else by the URL; a later link with
 * the same key wins.
 */
export function parseLinks(header: string | undefined): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  const value = (header ?? '').replace(QUOTES, '');
  if (!value) return out;
  for (const part of value.split(/, *</)) {
    const semi = part.indexOf(';');
    const url = semi < 0 ? part : part.slice(0, semi);
    const params = semi < 0 ? '' : part.slice(semi + 1);
    const link: Record<string, string> = { url: url.replace(/^[<> '"]+|[<> '"]+$/g, '') };
    for (const param of params.split(';')) {
      const pieces = param.split('=');
      if (pieces.length !== 2) break;
      link[pieces[0].replace(QUOTES, '')] = pieces[1].replace(QUOTES, '');
    }
    out[link.rel || link.url] = link;
  }
  return out;
}
