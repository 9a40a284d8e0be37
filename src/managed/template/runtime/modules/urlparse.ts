/** import('urllib.parse'): quote/unquote (+ _plus), urlencode, urlparse/urlsplit, urljoin, parse_qs/parse_qsl. */
import { pyStr } from '../repr.js';
import { quote, unquote } from '../urlquote.js';
import { PyBytes, PyFunction, PyModule, PyObject, bind, iterate, truthy, tuple, type Value } from '../values.js';
import { fn } from './common.js';

const text = (v: Value): string | Uint8Array => (v instanceof PyBytes ? v.data : pyStr(v));

class ParseResult extends PyObject {
  readonly typeName: string;
  constructor(private readonly parts: string[], private readonly withParams: boolean) {
    super();
    this.typeName = withParams ? 'ParseResult' : 'SplitResult';
  }
  private get names(): string[] {
    return this.withParams ? ['scheme', 'netloc', 'path', 'params', 'query', 'fragment'] : ['scheme', 'netloc', 'path', 'query', 'fragment'];
  }
  attr(name: string): Value | undefined {
    const at = this.names.indexOf(name);
    if (at >= 0) return this.parts[at];
    const netloc = this.parts[1];
    const hostPort = netloc.replace(/^.*@/, '');
    switch (name) {
      case 'hostname': {
        const host = hostPort.startsWith('[') ? hostPort.slice(1, hostPort.indexOf(']')) : hostPort.replace(/:\d*$/, '');
        return host ? host.toLowerCase() : null;
      }
      case 'port': {
        const m = /:(\d+)$/.exec(hostPort);
        return m ? Number(m[1]) : null;
      }
      case 'username': {
        const m = /^([^:@]*)(?::[^@]*)?@/.exec(netloc);
        return m ? m[1] : null;
      }
      case 'password': {
        const m = /^[^:@]*:([^@]*)@/.exec(netloc);
        return m ? m[1] : null;
      }
      case 'geturl': return new PyFunction('geturl', () => unsplit(this.parts, this.withParams));
      case '_replace': return undefined;
    }
    return undefined;
  }
  iter(): Value[] {
    return this.parts.slice();
  }
  item(key: Value): Value | undefined {
    return typeof key === 'number' ? this.parts[key < 0 ? key + this.parts.length : key] : undefined;
  }
  repr(): string {
    return `${this.typeName}(${this.names.map((n, i) => `${n}='${this.parts[i]}'`).join(', ')})`;
  }
  toData(): unknown {
    return this.parts.slice();
  }
}

function split(url: string): string[] {
  const m = /^(?:([a-zA-Z][a-zA-Z0-9+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s.exec(url) ?? [];
  return [(m[1] ?? '').toLowerCase(), m[2] ?? '', m[3] ?? '', m[4] ?? '', m[5] ?? ''];
}

function unsplit(parts: string[], withParams: boolean): string {
  const [scheme, netloc, path0, ...rest] = parts;
  let path = path0;
  let query: string;
  let fragment: string;
  if (withParams) {
    const [params, q, f] = rest;
    if (params) path += `;${params}`;
    query = q;
    fragment = f;
  } else {
    [query, fragment] = rest;
  }
  let url = path;
  if (netloc || (scheme && path.startsWith('//'))) url = `//${netloc}${path && !path.startsWith('/') ? '/' : ''}${path}`;
  if (scheme) url = `${scheme}:${url}`;
  if (query) url += `?${query}`;
  if (fragment) url += `#${fragment}`;
  return url;
}

function parseQsl(qs: string, keepBlank: boolean): [string, string][] {
  const out: [string, string][] = [];
  for (const field of qs.split(/[&]/)) {
    if (!field) continue;
    const at = field.indexOf('=');
    const [k, v] = at < 0 ? [field, ''] : [field.slice(0, at), field.slice(at + 1)];
    if (at < 0 && !keepBlank) continue;
    if (v === '' && !keepBlank) continue;
    out.push([unquote(k, true), unquote(v, true)]);
  }
  return out;
}

function removeDots(path: string): string {
  const out: string[] = [];
  const segments = path.split('/');
  segments.forEach((seg, i) => {
    if (seg === '..') {
      if (out.length > 1) out.pop();
      if (i === segments.length - 1) out.push('');
    } else if (seg === '.') {
      if (i === segments.length - 1) out.push('');
    } else out.push(seg);
  });
  return out.join('/');
}

function urljoin(base: string, url: string): string {
  if (!base) return url;
  if (!url) return base;
  const b = split(base);
  const u = split(url);
  if (u[0] && u[0] !== b[0]) return url;
  if (u[1]) return unsplit([b[0], u[1], removeDots(u[2]), u[3], u[4]], false);
  if (!u[2]) return unsplit([b[0], b[1], b[2], u[3] || b[3], u[4]], false);
  const path = u[2].startsWith('/') ? u[2] : `${b[2].slice(0, b[2].lastIndexOf('/') + 1)}${u[2]}`;
  return unsplit([b[0], b[1], removeDots(path.startsWith('/') || !b[1] ? path : `/${path}`), u[3], u[4]], false);
}

export const URLLIB_PARSE = new PyModule('urllib.parse', {
  quote: fn('quote', (a, k) => {
    const [s, safe] = bind('quote', a, k, ['string', 'safe', 'encoding', 'errors'], 1);
    return quote(text(s), safe === undefined ? '/' : pyStr(safe));
  }),
  quote_plus: fn('quote_plus', (a, k) => {
    const [s, safe] = bind('quote_plus', a, k, ['string', 'safe', 'encoding', 'errors'], 1);
    return quote(text(s), safe === undefined ? '' : pyStr(safe), true);
  }),
  unquote: fn('unquote', (a, k) => unquote(pyStr(bind('unquote', a, k, ['string', 'encoding', 'errors'], 1)[0]))),
  unquote_plus: fn('unquote_plus', (a, k) => unquote(pyStr(bind('unquote_plus', a, k, ['string', 'encoding', 'errors'], 1)[0]), true)),
  urlencode: fn('urlencode', (a, k) => {
    const [query, doseq, safe] = bind('urlencode', a, k, ['query', 'doseq', 'safe', 'encoding', 'errors', 'quote_via'], 1);
    const pairs = query instanceof Map ? [...query] : iterate(query).map((p) => iterate(p) as [Value, Value]);
    const s = safe === undefined ? '' : pyStr(safe);
    const q = (v: Value) => quote(text(v), s, true);
    const out: string[] = [];
    for (const [key, value] of pairs) {
      if (truthy(doseq ?? false) && typeof value !== 'string' && !(value instanceof PyBytes) && (Array.isArray(value) || value instanceof Map)) {
        for (const item of iterate(value)) out.push(`${q(key)}=${q(item)}`);
      } else out.push(`${q(key)}=${q(value)}`);
    }
    return out.join('&');
  }),
  urlparse: fn('urlparse', (a, k) => {
    const [url] = bind('urlparse', a, k, ['urlstring', 'scheme', 'allow_fragments'], 1);
    const [scheme, netloc, path, query, fragment] = split(pyStr(url));
    const semi = path.lastIndexOf(';');
    const hasParams = semi >= 0 && !path.slice(semi).includes('/');
    return new ParseResult([scheme, netloc, hasParams ? path.slice(0, semi) : path, hasParams ? path.slice(semi + 1) : '', query, fragment], true);
  }),
  urlsplit: fn('urlsplit', (a, k) => new ParseResult(split(pyStr(bind('urlsplit', a, k, ['urlstring', 'scheme', 'allow_fragments'], 1)[0])), false)),
  urlunparse: fn('urlunparse', (a) => unsplit(iterate(a[0]).map(pyStr), true)),
  urlunsplit: fn('urlunsplit', (a) => unsplit(iterate(a[0]).map(pyStr), false)),
  urljoin: fn('urljoin', (a, k) => {
    const [base, url] = bind('urljoin', a, k, ['base', 'url', 'allow_fragments'], 2);
    return urljoin(pyStr(base), pyStr(url));
  }),
  parse_qsl: fn('parse_qsl', (a, k) => {
    const [qs, blank] = bind('parse_qsl', a, k, ['qs', 'keep_blank_values', 'strict_parsing', 'encoding', 'errors', 'max_num_fields', 'separator'], 1);
    return parseQsl(pyStr(qs), truthy(blank ?? false)).map(([x, y]) => tuple([x, y]));
  }),
  parse_qs: fn('parse_qs', (a, k) => {
    const [qs, blank] = bind('parse_qs', a, k, ['qs', 'keep_blank_values', 'strict_parsing', 'encoding', 'errors', 'max_num_fields', 'separator'], 1);
    const out = new Map<Value, Value>();
    for (const [x, y] of parseQsl(pyStr(qs), truthy(blank ?? false))) {
      const list = (out.get(x) as Value[] | undefined) ?? [];
      list.push(y);
      out.set(x, list);
    }
    return out;
  }),
});
