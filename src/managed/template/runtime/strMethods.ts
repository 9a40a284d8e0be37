/** Python's str methods (the ones reachable as `value.split(',')` etc. in a template). */
import { formatString } from './format.js';
import { encodeText } from './utf8.js';
import {
  PyBytes, bind, isInt, isTuple, iterate, tuple, typeError, typeName, valueError, type Kwargs, type Value, ownTable,
} from './values.js';

type Method = (s: string, args: Value[], kwargs: Kwargs) => Value;

const SPACE = /\s/;

function stripChars(s: string, chars: Value, left: boolean, right: boolean): string {
  const set = chars === undefined || chars === null ? null : typeof chars === 'string' ? chars : (() => { throw typeError(`strip arg must be None or str`); })();
  const drop = (ch: string) => (set === null ? SPACE.test(ch) : set.includes(ch));
  const cps = Array.from(s);
  let a = 0;
  let b = cps.length;
  if (left) while (a < b && drop(cps[a])) a++;
  if (right) while (b > a && drop(cps[b - 1])) b--;
  return cps.slice(a, b).join('');
}

function str(v: Value, fn: string): string {
  if (typeof v !== 'string') throw typeError(`${fn}() argument must be str, not ${typeName(v)}`);
  return v;
}

function optionalInt(v: Value | undefined, fallback: number): number {
  if (v === undefined || v === null) return fallback;
  if (!isInt(v)) throw typeError(`'${typeName(v)}' object cannot be interpreted as an integer`);
  return Number(v);
}

/** Python's start/end clamping for find/count/startswith. */
function window(s: string, start: Value | undefined, end: Value | undefined): [number, number] {
  const n = s.length;
  const clamp = (v: number) => (v < 0 ? Math.max(0, v + n) : Math.min(v, n));
  return [clamp(optionalInt(start, 0)), clamp(optionalInt(end, n))];
}

function split(s: string, sep: Value | undefined, maxsplit: number, fromRight: boolean): string[] {
  if (sep === undefined || sep === null) {
    const words = s.split(/\s+/).filter((w) => w !== '');
    if (maxsplit < 0 || words.length <= maxsplit + 1) return words;
    // keep the unsplit remainder as Python does (its inner whitespace included)
    const out: string[] = [];
    let rest = fromRight ? s.trimEnd() : s.trimStart();
    for (let i = 0; i < maxsplit; i++) {
      if (fromRight) {
        const m = /\s+(\S+)$/.exec(rest);
        if (!m) break;
        out.unshift(m[1]);
        rest = rest.slice(0, m.index).trimEnd();
      } else {
        const m = /^(\S+)\s+/.exec(rest);
        if (!m) break;
        out.push(m[1]);
        rest = rest.slice(m[0].length);
      }
    }
    return fromRight ? [rest, ...out] : [...out, rest];
  }
  const separator = str(sep, 'split');
  if (separator === '') throw valueError('empty separator');
  const parts = s.split(separator);
  if (maxsplit < 0 || parts.length <= maxsplit + 1) return parts;
  if (fromRight) return [parts.slice(0, parts.length - maxsplit).join(separator), ...parts.slice(parts.length - maxsplit)];
  return [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(separator)];
}

function prefixes(v: Value, fn: string): string[] {
  if (typeof v === 'string') return [v];
  if (isTuple(v) && v.every((x) => typeof x === 'string')) return v as string[];
  throw typeError(`${fn} first arg must be str or a tuple of str, not ${typeName(v)}`);
}

function find(s: string, args: Value[], kwargs: Kwargs, fn: string, fromRight: boolean): number {
  const [sub, start, end] = bind(fn, args, kwargs, ['sub', 'start', 'end'], 1);
  const [a, b] = window(s, start, end);
  const hay = s.slice(a, b);
  const at = fromRight ? hay.lastIndexOf(str(sub, fn)) : hay.indexOf(str(sub, fn));
  return at < 0 ? -1 : at + a;
}

function title(s: string): string {
  let out = '';
  let previousCased = false;
  for (const ch of s) {
    const cased = ch.toLowerCase() !== ch.toUpperCase();
    out += cased ? (previousCased ? ch.toLowerCase() : ch.toUpperCase()) : ch;
    previousCased = cased;
  }
  return out;
}

function justify(s: string, args: Value[], kwargs: Kwargs, fn: string, align: 'l' | 'r' | 'c'): string {
  const [width, fill] = bind(fn, args, kwargs, ['width', 'fillchar'], 1);
  const w = optionalInt(width, 0);
  const f = fill === undefined ? ' ' : str(fill, fn);
  if (Array.from(f).length !== 1) throw typeError('The fill character must be exactly one character long');
  const len = Array.from(s).length;
  if (len >= w) return s;
  const room = w - len;
  if (align === 'l') return s + f.repeat(room);
  if (align === 'r') return f.repeat(room) + s;
  const left = Math.floor(room / 2) + (room & w & 1);
  return f.repeat(left) + s + f.repeat(room - left);
}

function predicate(test: RegExp, cased = false): Method {
  return (s) => {
    if (s === '') return false;
    const cps = Array.from(s);
    if (cased) return cps.some((c) => c.toLowerCase() !== c.toUpperCase()) && cps.every((c) => test.test(c) || c.toLowerCase() === c.toUpperCase());
    return cps.every((c) => test.test(c));
  };
}

export const STR_METHODS: Record<string, Method> = ownTable<Method>({
  upper: (s: string) => s.toUpperCase(),
  lower: (s: string) => s.toLowerCase(),
  casefold: (s: string) => s.toLowerCase(),
  swapcase: (s: string) => Array.from(s).map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
  title: (s: string) => title(s),
  capitalize: (s: string) => {
    const cps = Array.from(s);
    return cps.length ? cps[0].toUpperCase() + cps.slice(1).join('').toLowerCase() : '';
  },
  strip: (s: string, a: Value[], k: Kwargs) => stripChars(s, bind('strip', a, k, ['chars'])[0], true, true),
  lstrip: (s: string, a: Value[], k: Kwargs) => stripChars(s, bind('lstrip', a, k, ['chars'])[0], true, false),
  rstrip: (s: string, a: Value[], k: Kwargs) => stripChars(s, bind('rstrip', a, k, ['chars'])[0], false, true),
  split: (s: string, a: Value[], k: Kwargs) => {
    const [sep, max] = bind('split', a, k, ['sep', 'maxsplit']);
    return split(s, sep, optionalInt(max, -1), false);
  },
  rsplit: (s: string, a: Value[], k: Kwargs) => {
    const [sep, max] = bind('rsplit', a, k, ['sep', 'maxsplit']);
    return split(s, sep, optionalInt(max, -1), true);
  },
  splitlines: (s: string, a: Value[], k: Kwargs) => {
    const [keep] = bind('splitlines', a, k, ['keepends']);
    const parts = s.split(/(\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029])/);
    const out: string[] = [];
    for (let i = 0; i < parts.length; i += 2) {
      const line = parts[i] + (keep && parts[i + 1] ? parts[i + 1] : '');
      if (i === parts.length - 1 && parts[i] === '') break;
      out.push(line);
    }
    return out;
  },
  join: (s: string, a: Value[], k: Kwargs) => {
    const [items] = bind('join', a, k, ['iterable'], 1);
    const parts = iterate(items);
    parts.forEach((p, i) => {
      if (typeof p !== 'string') throw typeError(`sequence item ${i}: expected str instance, ${typeName(p)} found`);
    });
    return parts.join(s);
  },
  replace: (s: string, a: Value[], k: Kwargs) => {
    const [oldV, newV, countV] = bind('replace', a, k, ['old', 'new', 'count'], 2);
    const old = str(oldV, 'replace');
    const rep = str(newV, 'replace');
    let count = optionalInt(countV, -1);
    if (old === '') {
      const cps = Array.from(s);
      let out = '';
      for (let i = 0; i <= cps.length; i++) {
        if (count !== 0) { out += rep; count--; }
        if (i < cps.length) out += cps[i];
      }
      return out;
    }
    const parts = s.split(old);
    if (count < 0 || count >= parts.length - 1) return parts.join(rep);
    return parts.slice(0, count + 1).join(rep) + old + parts.slice(count + 1).join(old);
  },
  startswith: (s: string, a: Value[], k: Kwargs) => {
    const [p, start, end] = bind('startswith', a, k, ['prefix', 'start', 'end'], 1);
    const [x, y] = window(s, start, end);
    return prefixes(p, 'startswith').some((q) => s.slice(x, y).startsWith(q));
  },
  endswith: (s: string, a: Value[], k: Kwargs) => {
    const [p, start, end] = bind('endswith', a, k, ['suffix', 'start', 'end'], 1);
    const [x, y] = window(s, start, end);
    return prefixes(p, 'endswith').some((q) => s.slice(x, y).endsWith(q));
  },
  find: (s: string, a: Value[], k: Kwargs) => find(s, a, k, 'find', false),
  rfind: (s: string, a: Value[], k: Kwargs) => find(s, a, k, 'rfind', true),
  index: (s: string, a: Value[], k: Kwargs) => {
    const at = find(s, a, k, 'index', false);
    if (at < 0) throw valueError('substring not found');
    return at;
  },
  rindex: (s: string, a: Value[], k: Kwargs) => {
    const at = find(s, a, k, 'rindex', true);
    if (at < 0) throw valueError('substring not found');
    return at;
  },
  count: (s: string, a: Value[], k: Kwargs) => {
    const [sub, start, end] = bind('count', a, k, ['sub', 'start', 'end'], 1);
    const [x, y] = window(s, start, end);
    const needle = str(sub, 'count');
    const hay = s.slice(x, y);
    if (needle === '') return Array.from(hay).length + 1;
    return hay.split(needle).length - 1;
  },
  partition: (s: string, a: Value[], k: Kwargs) => {
    const sep = str(bind('partition', a, k, ['sep'], 1)[0], 'partition');
    const at = s.indexOf(sep);
    return at < 0 ? tuple([s, '', '']) : tuple([s.slice(0, at), sep, s.slice(at + sep.length)]);
  },
  rpartition: (s: string, a: Value[], k: Kwargs) => {
    const sep = str(bind('rpartition', a, k, ['sep'], 1)[0], 'rpartition');
    const at = s.lastIndexOf(sep);
    return at < 0 ? tuple(['', '', s]) : tuple([s.slice(0, at), sep, s.slice(at + sep.length)]);
  },
  removeprefix: (s: string, a: Value[], k: Kwargs) => {
    const p = str(bind('removeprefix', a, k, ['prefix'], 1)[0], 'removeprefix');
    return p && s.startsWith(p) ? s.slice(p.length) : s;
  },
  removesuffix: (s: string, a: Value[], k: Kwargs) => {
    const p = str(bind('removesuffix', a, k, ['suffix'], 1)[0], 'removesuffix');
    return p && s.endsWith(p) ? s.slice(0, -p.length) : s;
  },
  center: (s: string, a: Value[], k: Kwargs) => justify(s, a, k, 'center', 'c'),
  ljust: (s: string, a: Value[], k: Kwargs) => justify(s, a, k, 'ljust', 'l'),
  rjust: (s: string, a: Value[], k: Kwargs) => justify(s, a, k, 'rjust', 'r'),
  zfill: (s: string, a: Value[], k: Kwargs) => {
    const w = optionalInt(bind('zfill', a, k, ['width'], 1)[0], 0);
    const sign = s.startsWith('-') || s.startsWith('+') ? s[0] : '';
    const body = sign ? s.slice(1) : s;
    return sign + body.padStart(w - sign.length, '0');
  },
  expandtabs: (s: string, a: Value[], k: Kwargs) => {
    const size = optionalInt(bind('expandtabs', a, k, ['tabsize'])[0], 8);
    let col = 0;
    let out = '';
    for (const ch of s) {
      if (ch === '\t') {
        const n = size > 0 ? size - (col % size) : 0;
        out += ' '.repeat(n);
        col += n;
      } else {
        out += ch;
        col = ch === '\n' || ch === '\r' ? 0 : col + 1;
      }
    }
    return out;
  },
  isdigit: predicate(/\p{Nd}/u),
  isdecimal: predicate(/\p{Nd}/u),
  isnumeric: predicate(/\p{N}/u),
  isalpha: predicate(/\p{L}/u),
  isalnum: predicate(/[\p{L}\p{N}]/u),
  isspace: predicate(/\s/),
  isascii: (s: string) => /^[\x00-\x7f]*$/.test(s),
  isidentifier: (s: string) => /^[\p{L}_][\p{L}\p{N}_]*$/u.test(s),
  islower: predicate(/\p{Ll}/u, true),
  isupper: predicate(/\p{Lu}/u, true),
  istitle: (s: string) => s !== '' && title(s) === s && s.toLowerCase() !== s.toUpperCase(),
  isprintable: (s: string) => !/[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]|[^\S ]/u.test(s),
  format: (s: string, a: Value[], k: Kwargs) => formatString(s, a, k),
  format_map: (s: string, a: Value[], k: Kwargs) => {
    const [mapping] = bind('format_map', a, k, ['mapping'], 1);
    if (!(mapping instanceof Map)) throw typeError(`'${typeName(mapping)}' object is not a mapping`);
    return formatString(s, [], new Map([...mapping].map(([key, v]) => [String(key), v])));
  },
  encode: (s: string, a: Value[], k: Kwargs) => {
    const [encoding, errors] = bind('encode', a, k, ['encoding', 'errors']);
    return new PyBytes(encodeText(s, encoding === undefined ? 'utf-8' : str(encoding, 'encode'), errors === undefined ? 'strict' : str(errors, 'encode')));
  },
});

