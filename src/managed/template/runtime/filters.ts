/**
 * Jinja2's built-in filters (jinja2/filters.py), with Python's semantics: `tojson` sorts keys and escapes
 * `<>&'`, `urlencode` quotes strings with `%20` and dict values with `+`, `int('3.7')` is 3, `round` rounds half
 * to even. `as_is` exists only in native mode, as in the original (string templates that use it fail to compile).
 */
import { getAttr, getItem } from './attributes.js';
import { fixed, formatPercent } from './format.js';
import type { FilterEnvironment, FilterFunction } from './interpreter.js';
import { RawValue } from './interpreter.js';
import { jsonDumps } from './json.js';
import { NamedTuple } from './namedTuple.js';
import { equals, order } from './operators.js';
import { pyRepr, pyStr } from './repr.js';
import { quote } from './urlquote.js';
import {
  PyBytes, PyError, PyFloat, Undefined, bind, float, isFloat, isInt, isNumber, iterate, length,
  numberOf, truthy, tuple, typeError, typeName, type Kwargs, type Value, ownTable,
} from './values.js';

const s = (v: Value) => pyStr(v);

function attrPath(item: Value, path: Value): Value {
  if (isInt(path)) return getItem(item, path);
  let v = item;
  for (const part of String(path).split('.')) v = /^\d+$/.test(part) ? getItem(v, Number(part)) : getAttr(v, part);
  return v;
}

function sortKey(caseSensitive: boolean): (v: Value) => Value {
  return (v) => (!caseSensitive && typeof v === 'string' ? v.toLowerCase() : v);
}

/** Python int(): whitespace, underscores, a sign, base prefixes when base is 0 or matches. */
export function pyInt(text: string, base: number): number | undefined {
  let t = text.trim().replace(/(?<=\w)_(?=\w)/g, '');
  let sign = 1;
  if (t.startsWith('-') || t.startsWith('+')) {
    if (t[0] === '-') sign = -1;
    t = t.slice(1);
  }
  const prefixes: Record<string, number> = { '0x': 16, '0o': 8, '0b': 2 };
  const p = t.slice(0, 2).toLowerCase();
  if (Object.hasOwn(prefixes, p) && (base === 0 || base === prefixes[p])) {
    base = prefixes[p];
    t = t.slice(2);
  } else if (base === 0) {
    if (/^0+$/.test(t)) return 0;
    if (/^0/.test(t)) return undefined;
    base = 10;
  }
  const digits = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, base);
  if (!t || [...t.toLowerCase()].some((c) => !digits.includes(c))) return undefined;
  return sign * parseInt(t, base);
}

/** Python float() of a string. */
export function pyFloat(text: string): number | undefined {
  const t = text.trim().replace(/(?<=\d)_(?=\d)/g, '').toLowerCase();
  if (/^[-+]?(inf|infinity)$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[-+]?nan$/.test(t)) return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}

function toInt(value: Value, fallback: Value, base: number): Value {
  if (typeof value === 'string') {
    const n = pyInt(value, base);
    if (n !== undefined) return n;
    const f = pyFloat(value);
    return f !== undefined && Number.isFinite(f) ? Math.trunc(f) : fallback;
  }
  if (isNumber(value)) {
    const n = numberOf(value);
    return Number.isFinite(n) ? Math.trunc(n) : fallback;
  }
  return fallback;
}

function toFloat(value: Value, fallback: Value): Value {
  if (typeof value === 'string') {
    const f = pyFloat(value);
    return f === undefined ? fallback : float(f);
  }
  if (isNumber(value)) return float(numberOf(value));
  return fallback;
}

/** round() of a float: correctly rounded, exact ties to even, as Python does (via format.ts's `fixed`). */
function pyRound(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x;
  if (digits >= 0) return Number(fixed(x, digits));
  const m = 10 ** -digits;
  const scaled = x / m;
  let r = Math.round(scaled);
  if (Math.abs(scaled % 1) === 0.5 && r % 2 !== 0) r -= 1;
  return r * m;
}

function items(value: Value): Value[] {
  if (value instanceof Undefined) return [];
  if (value instanceof Map) return [...value].map(([k, v]) => tuple([k, v]));
  throw typeError(`Can only get item pairs from a mapping.`);
}

function selectOrReject(env: FilterEnvironment, value: Value, args: Value[], kwargs: Kwargs, byAttr: boolean, select: boolean): Value {
  const list = iterate(value);
  let attr: Value | undefined;
  let rest = args;
  if (byAttr) {
    if (rest.length === 0) throw typeError('Missing parameter for attribute name');
    attr = rest[0];
    rest = rest.slice(1);
  }
  const probe = (item: Value) => (attr !== undefined ? attrPath(item, attr) : item);
  let check: (v: Value) => boolean;
  if (rest.length === 0) check = truthy;
  else {
    const [name, ...testArgs] = rest;
    check = (v) => env.callTest(String(name), v, testArgs, kwargs);
  }
  return list.filter((item) => check(probe(item)) === select);
}

function minMax(value: Value, args: Value[], kwargs: Kwargs, fn: string, sign: 1 | -1): Value {
  const [caseSensitive, attribute] = bind(fn, args, kwargs, ['case_sensitive', 'attribute']);
  const list = iterate(value);
  if (list.length === 0) return new Undefined(`No aggregated item, sequence was empty.`);
  const key = sortKey(truthy(caseSensitive ?? false));
  const keyOf = (v: Value) => key(attribute !== undefined && attribute !== null ? attrPath(v, attribute) : v);
  return list.reduce((best, v) => (order(keyOf(v), keyOf(best)) * sign < 0 ? v : best));
}

const TITLE_SPLIT = /([-\s({[<]+)/;
const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };

export function htmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

function urlencode(value: Value): string {
  const q = (v: Value, forQs: boolean) => quote(v instanceof PyBytes ? v.data : s(v), forQs ? '' : '/', forQs);
  if (typeof value === 'string' || value instanceof PyBytes) return q(value, false);
  const pairs = value instanceof Map ? [...value] : iterate(value).map((p) => iterate(p) as [Value, Value]);
  return pairs.map(([k, v]) => `${q(k, true)}=${q(v, true)}`).join('&');
}

function truncate(value: Value, args: Value[], kwargs: Kwargs): Value {
  const [len, killwords, end, leeway] = bind('truncate', args, kwargs, ['length', 'killwords', 'end', 'leeway']);
  const text = s(value);
  const n = len === undefined ? 255 : Number(len);
  const tail = end === undefined ? '...' : s(end);
  const lee = leeway === undefined || leeway === null ? 5 : Number(leeway);
  if (text.length <= n + lee) return text;
  if (truthy(killwords ?? false)) return text.slice(0, n - tail.length) + tail;
  const cut = text.slice(0, n - tail.length);
  const at = cut.lastIndexOf(' ');
  return (at >= 0 ? cut.slice(0, at) : cut) + tail;
}

function wordwrap(value: Value, args: Value[], kwargs: Kwargs): Value {
  const [widthV, breakLong, wrapstring] = bind('wordwrap', args, kwargs, ['width', 'break_long_words', 'wrapstring', 'break_on_hyphens']);
  const width = widthV === undefined ? 79 : Number(widthV);
  const sep = wrapstring === undefined || wrapstring === null ? '\n' : s(wrapstring);
  const lines: string[] = [];
  for (const para of s(value).split(/\r?\n/)) {
    let line = '';
    for (let word of para.split(/\s+/).filter(Boolean)) {
      while (truthy(breakLong ?? true) && word.length > width) {
        if (line) { lines.push(line); line = ''; }
        lines.push(word.slice(0, width));
        word = word.slice(width);
      }
      if (!line) line = word;
      else if (line.length + 1 + word.length <= width) line += ` ${word}`;
      else { lines.push(line); line = word; }
    }
    lines.push(line);
  }
  return lines.join(sep);
}

export const FILTERS: Record<string, FilterFunction> = ownTable<FilterFunction>({
  abs: (_e, v) => {
    if (!isNumber(v)) throw typeError(`bad operand type for abs(): '${typeName(v)}'`);
    return isFloat(v) ? float(Math.abs(numberOf(v))) : Math.abs(numberOf(v));
  },
  attr: (_e, v, a, k) => getAttr(v, s(bind('attr', a, k, ['name'], 1)[0])),
  batch: (_e, v, a, k) => {
    const [count, fill] = bind('batch', a, k, ['linecount', 'fill_with'], 1);
    const n = Number(count);
    const list = iterate(v);
    const out: Value[][] = [];
    for (let i = 0; i < list.length; i += n) out.push(list.slice(i, i + n));
    if (fill !== undefined && fill !== null && out.length && out[out.length - 1].length < n) {
      while (out[out.length - 1].length < n) out[out.length - 1].push(fill);
    }
    return out;
  },
  capitalize: (_e, v) => {
    const t = s(v);
    return t ? t[0].toUpperCase() + t.slice(1).toLowerCase() : '';
  },
  center: (_e, v, a, k) => {
    const [w] = bind('center', a, k, ['width']);
    const width = w === undefined ? 80 : Number(w);
    const t = s(v);
    if (t.length >= width) return t;
    const room = width - t.length;
    const left = Math.floor(room / 2) + (room & width & 1);
    return ' '.repeat(left) + t + ' '.repeat(room - left);
  },
  count: (_e, v) => length(v),
  default: (_e, v, a, k) => {
    const [fallback, boolean] = bind('default', a, k, ['default_value', 'boolean']);
    if (v instanceof Undefined || (truthy(boolean ?? false) && !truthy(v))) return fallback === undefined ? '' : fallback;
    return v;
  },
  dictsort: (_e, v, a, k) => {
    const [cs, by, reverse] = bind('dictsort', a, k, ['case_sensitive', 'by', 'reverse']);
    const pos = by === undefined || by === 'key' ? 0 : by === 'value' ? 1 : (() => { throw new PyError('FilterArgumentError', 'You can only sort by either "key" or "value"'); })();
    const key = sortKey(truthy(cs ?? false));
    const pairs = items(v) as Value[][];
    pairs.sort((x, y) => order(key(x[pos]), key(y[pos])));
    if (truthy(reverse ?? false)) pairs.reverse();
    return pairs;
  },
  escape: (_e, v) => htmlEscape(s(v)),
  filesizeformat: (_e, v, a, k) => {
    const [binary] = bind('filesizeformat', a, k, ['binary']);
    const bytes = numberOf(toFloat(v, float(0)) as PyFloat);
    const base = truthy(binary ?? false) ? 1024 : 1000;
    const prefixes = truthy(binary ?? false) ? ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'] : ['kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
    if (bytes === 1) return '1 Byte';
    if (bytes < base) return `${Math.trunc(bytes)} Bytes`;
    for (let i = 0; i < prefixes.length; i++) {
      const unit = base ** (i + 2);
      if (bytes < unit || i === prefixes.length - 1) return `${((base * bytes) / unit).toFixed(1)} ${prefixes[i]}`;
    }
    return '';
  },
  first: (_e, v) => {
    const list = iterate(v);
    return list.length ? list[0] : new Undefined('No first item, sequence was empty.');
  },
  float: (_e, v, a, k) => {
    const [fallback] = bind('float', a, k, ['default']);
    return toFloat(v, fallback === undefined ? float(0) : fallback);
  },
  forceescape: (_e, v) => htmlEscape(s(v)),
  format: (_e, v, a, k) => {
    if (a.length && k.size) throw new PyError('FilterArgumentError', "can't handle positional and keyword arguments at the same time");
    return formatPercent(s(v), k.size ? new Map(k) : tuple(a));
  },
  groupby: (_e, v, a, k) => {
    const [attribute, fallback, caseSensitive] = bind('groupby', a, k, ['attribute', 'default', 'case_sensitive'], 1);
    const keyOf = (item: Value) => {
      const got = attrPath(item, attribute);
      return got instanceof Undefined && fallback !== undefined ? fallback : got;
    };
    const norm = sortKey(truthy(caseSensitive ?? false));
    const list = iterate(v).slice().sort((x, y) => order(norm(keyOf(x)), norm(keyOf(y))));
    const groups: Value[] = [];
    for (const item of list) {
      const key = keyOf(item);
      const last = groups[groups.length - 1] as Value[] | undefined;
      if (last && equals(norm(last[0]), norm(key))) (last[1] as Value[]).push(item);
      else groups.push([key, [item]]);
    }
    return groups.map((g) => new NamedTuple('_GroupTuple', ['grouper', 'list'], g as Value[]));
  },
  indent: (_e, v, a, k) => {
    const [width, first, blank] = bind('indent', a, k, ['width', 'first', 'blank']);
    const pad = width === undefined ? '    ' : typeof width === 'string' ? width : ' '.repeat(Number(width));
    const lines = s(v).split('\n');
    return lines.map((line, i) => ((i === 0 && !truthy(first ?? false)) || (!truthy(blank ?? false) && line.trim() === '') ? line : pad + line)).join('\n');
  },
  int: (_e, v, a, k) => {
    const [fallback, base] = bind('int', a, k, ['default', 'base']);
    return toInt(v, fallback === undefined ? 0 : fallback, base === undefined ? 10 : Number(base));
  },
  items: (_e, v) => items(v),
  join: (env, v, a, k) => {
    const [d, attribute] = bind('join', a, k, ['d', 'attribute']);
    let list = iterate(v);
    if (attribute !== undefined && attribute !== null) list = list.map((x) => attrPath(x, attribute));
    void env;
    return list.map(s).join(d === undefined ? '' : s(d));
  },
  last: (_e, v) => {
    const list = iterate(v);
    return list.length ? list[list.length - 1] : new Undefined('No last item, sequence was empty.');
  },
  length: (_e, v) => length(v),
  list: (_e, v) => iterate(v),
  lower: (_e, v) => s(v).toLowerCase(),
  map: (env, v, a, k) => {
    const list = iterate(v);
    if (a.length === 0 && k.has('attribute')) {
      const attribute = k.get('attribute');
      const hasDefault = k.has('default');
      return list.map((item) => {
        const got = attrPath(item, attribute);
        return got instanceof Undefined && hasDefault ? k.get('default') : got;
      });
    }
    if (a.length === 0) throw typeError('map requires a filter argument');
    const [name, ...rest] = a;
    return list.map((item) => env.callFilter(s(name), item, rest, k));
  },
  max: (_e, v, a, k) => minMax(v, a, k, 'max', -1),
  min: (_e, v, a, k) => minMax(v, a, k, 'min', 1),
  pprint: (_e, v) => pyRepr(v),
  random: (_e, v) => {
    const list = iterate(v);
    if (!list.length) throw new PyError('IndexError', 'Cannot choose from an empty sequence');
    return list[Math.floor(Math.random() * list.length)];
  },
  reject: (env, v, a, k) => selectOrReject(env, v, a, k, false, false),
  rejectattr: (env, v, a, k) => selectOrReject(env, v, a, k, true, false),
  replace: (_e, v, a, k) => {
    const [old, rep, count] = bind('replace', a, k, ['old', 'new', 'count'], 2);
    const text = s(v);
    const parts = text.split(s(old));
    const n = count === undefined || count === null ? -1 : Number(count);
    if (n < 0 || n >= parts.length - 1) return parts.join(s(rep));
    return parts.slice(0, n + 1).join(s(rep)) + s(old) + parts.slice(n + 1).join(s(old));
  },
  reverse: (_e, v) => (typeof v === 'string' ? Array.from(v).reverse().join('') : iterate(v).reverse()),
  round: (_e, v, a, k) => {
    const [precision, method] = bind('round', a, k, ['precision', 'method']);
    const p = precision === undefined ? 0 : Number(precision);
    const how = method === undefined ? 'common' : s(method);
    if (!['common', 'ceil', 'floor'].includes(how)) throw new PyError('FilterArgumentError', 'method must be common, ceil or floor');
    if (!isNumber(v)) throw typeError(`type ${typeName(v)} doesn't define __round__ method`);
    const n = numberOf(v);
    if (how === 'common') return isFloat(v) ? float(pyRound(n, p)) : p >= 0 ? n : pyRound(n, p);
    const m = 10 ** p;
    return float((how === 'ceil' ? Math.ceil(n * m) : Math.floor(n * m)) / m);
  },
  safe: (_e, v) => v,
  select: (env, v, a, k) => selectOrReject(env, v, a, k, false, true),
  selectattr: (env, v, a, k) => selectOrReject(env, v, a, k, true, true),
  slice: (_e, v, a, k) => {
    const [slices, fill] = bind('slice', a, k, ['slices', 'fill_with'], 1);
    const list = iterate(v);
    const n = Number(slices);
    const per = Math.floor(list.length / n);
    const extra = list.length % n;
    const out: Value[][] = [];
    let offset = 0;
    for (let i = 0; i < n; i++) {
      const start = offset + i * per;
      if (i < extra) offset++;
      const end = offset + (i + 1) * per;
      const part = list.slice(start, end);
      if (fill !== undefined && fill !== null && i >= extra) part.push(fill);
      out.push(part);
    }
    return out;
  },
  sort: (_e, v, a, k) => {
    const [reverse, caseSensitive, attribute] = bind('sort', a, k, ['reverse', 'case_sensitive', 'attribute']);
    const key = sortKey(truthy(caseSensitive ?? false));
    const keyOf = (x: Value) => key(attribute !== undefined && attribute !== null ? attrPath(x, attribute) : x);
    const list = iterate(v).slice();
    list.sort((x, y) => order(keyOf(x), keyOf(y)));
    if (truthy(reverse ?? false)) list.reverse();
    return list;
  },
  string: (_e, v) => s(v),
  striptags: (_e, v) => s(v).replace(/<!--.*?-->|<[^>]*>/gs, '').replace(/\s+/g, ' ').trim(),
  sum: (_e, v, a, k) => {
    const [attribute, start] = bind('sum', a, k, ['attribute', 'start']);
    let total: Value = start === undefined ? 0 : start;
    for (const item of iterate(v)) {
      const x = attribute !== undefined && attribute !== null ? attrPath(item, attribute) : item;
      if (!isNumber(x) || !isNumber(total)) throw typeError(`unsupported operand type(s) for +: '${typeName(total)}' and '${typeName(x)}'`);
      const sum: number = numberOf(total) + numberOf(x);
      total = isFloat(total) || isFloat(x) ? float(sum) : sum;
    }
    return total;
  },
  title: (_e, v) => s(v).split(TITLE_SPLIT).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1).toLowerCase()).join(''),
  tojson: (_e, v, a, k) => {
    const [indent] = bind('tojson', a, k, ['indent']);
    return jsonDumps(v, { sortKeys: true, indent: indent === undefined || indent === null ? null : (indent as number | string) })
      .replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/'/g, '\\u0027');
  },
  trim: (_e, v, a, k) => {
    const [chars] = bind('trim', a, k, ['chars']);
    const t = s(v);
    if (chars === undefined || chars === null) return t.trim();
    const set = s(chars);
    let x = 0;
    let y = t.length;
    while (x < y && set.includes(t[x])) x++;
    while (y > x && set.includes(t[y - 1])) y--;
    return t.slice(x, y);
  },
  truncate: (_e, v, a, k) => truncate(v, a, k),
  unique: (_e, v, a, k) => {
    const [caseSensitive, attribute] = bind('unique', a, k, ['case_sensitive', 'attribute']);
    const key = sortKey(truthy(caseSensitive ?? false));
    const seen: Value[] = [];
    const out: Value[] = [];
    for (const item of iterate(v)) {
      const kv = key(attribute !== undefined && attribute !== null ? attrPath(item, attribute) : item);
      if (!seen.some((x) => equals(x, kv))) {
        seen.push(kv);
        out.push(item);
      }
    }
    return out;
  },
  upper: (_e, v) => s(v).toUpperCase(),
  urlencode: (_e, v) => urlencode(v),
  wordcount: (_e, v) => (s(v).match(/[\p{L}\p{N}_]+/gu) ?? []).length,
  wordwrap: (_e, v, a, k) => wordwrap(v, a, k),
  xmlattr: (_e, v, a, k) => {
    const [autospace] = bind('xmlattr', a, k, ['autospace']);
    if (!(v instanceof Map)) throw typeError('xmlattr expects a mapping');
    const parts = [...v].filter(([, x]) => x !== null && !(x instanceof Undefined)).map(([key, x]) => `${s(key)}="${htmlEscape(s(x))}"`);
    const text = parts.join(' ');
    return text && truthy(autospace ?? true) ? ` ${text}` : text;
  },
});
FILTERS.d = FILTERS.default;
FILTERS.e = FILTERS.escape;

/** Native mode only: the value, raw (no literal_eval of a string), as the original's `as_is` filter. */
export const AS_IS: FilterFunction = (_e, v) => new RawValue(v);

