/** import('math'), ('string'), ('html'), ('random'), ('secrets'), ('calendar'): functions and plain constants only. */
import { b64encode } from './codecs.js';
import {
  PyError, PyFloat, PyModule, bind, float, isNumber, iterate, numberOf, truthy, tuple, typeError, typeName, valueError, type Value,
} from '../values.js';
import { bytes, fn, hex, intArg } from './common.js';
import { touch } from '../origin.js';
import { randomBelow, randomBytes, randomFloat } from './entropy.js';

function num(v: Value, name: string): number {
  if (!isNumber(v)) throw typeError(`must be real number, not ${typeName(v)}`);
  void name;
  return numberOf(v);
}

function unary(name: string, op: (x: number) => number, toInt = false, domain?: (x: number) => boolean): Value {
  return fn(name, (a, k) => {
    const x = num(bind(name, a, k, ['x'], 1)[0], name);
    if (domain && !domain(x)) throw valueError('math domain error');
    const r = op(x);
    return toInt ? r : float(r);
  });
}

export const MATH = new PyModule('math', {
  pi: float(Math.PI), e: float(Math.E), tau: float(2 * Math.PI), inf: float(Infinity), nan: float(NaN),
  ceil: unary('ceil', Math.ceil, true),
  floor: unary('floor', Math.floor, true),
  trunc: unary('trunc', Math.trunc, true),
  fabs: unary('fabs', Math.abs),
  sqrt: unary('sqrt', Math.sqrt, false, (x) => x >= 0),
  exp: unary('exp', Math.exp),
  log10: unary('log10', Math.log10, false, (x) => x > 0),
  log2: unary('log2', Math.log2, false, (x) => x > 0),
  sin: unary('sin', Math.sin), cos: unary('cos', Math.cos), tan: unary('tan', Math.tan),
  log: fn('log', (a, k) => {
    const [x, base] = bind('log', a, k, ['x', 'base'], 1);
    const v = num(x, 'log');
    if (v <= 0) throw valueError('math domain error');
    return float(base === undefined ? Math.log(v) : Math.log(v) / Math.log(num(base, 'log')));
  }),
  pow: fn('pow', (a, k) => {
    const [x, y] = bind('pow', a, k, ['x', 'y'], 2);
    return float(num(x, 'pow') ** num(y, 'pow'));
  }),
  isnan: fn('isnan', (a) => Number.isNaN(num(a[0], 'isnan'))),
  isinf: fn('isinf', (a) => Math.abs(num(a[0], 'isinf')) === Infinity),
  isfinite: fn('isfinite', (a) => Number.isFinite(num(a[0], 'isfinite'))),
  gcd: fn('gcd', (a) => a.map((x) => Math.abs(intArg(x, 0))).reduce((x, y) => { while (y) [x, y] = [y, x % y]; return x; }, 0)),
  fsum: fn('fsum', (a) => float(iterate(a[0]).reduce((t: number, x) => t + num(x, 'fsum'), 0))),
  isclose: fn('isclose', (a, k) => {
    const [x, y, rel, abs] = bind('isclose', a, k, ['a', 'b', 'rel_tol', 'abs_tol'], 2);
    const d = Math.abs(num(x, 'isclose') - num(y, 'isclose'));
    const r = rel === undefined ? 1e-9 : num(rel, 'isclose');
    const t = abs === undefined ? 0 : num(abs, 'isclose');
    return d <= Math.max(r * Math.max(Math.abs(num(x, '')), Math.abs(num(y, ''))), t);
  }),
});

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const PUNCT = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

export const STRING = new PyModule('string', {
  ascii_letters: LOWER + UPPER, ascii_lowercase: LOWER, ascii_uppercase: UPPER, digits: '0123456789',
  hexdigits: '0123456789abcdefABCDEF', octdigits: '01234567', punctuation: PUNCT,
  whitespace: ' \t\n\r\x0b\x0c', printable: `0123456789${LOWER}${UPPER}${PUNCT} \t\n\r\x0b\x0c`,
  capwords: fn('capwords', (a, k) => {
    const [s, sep] = bind('capwords', a, k, ['s', 'sep'], 1);
    const text = String(s);
    const parts = sep === undefined || sep === null ? text.split(/\s+/).filter(Boolean) : text.split(String(sep));
    const joined = parts.map((w) => (w ? w[0].toUpperCase() + w.slice(1).toLowerCase() : w));
    return joined.join(sep === undefined || sep === null ? ' ' : String(sep));
  }),
});

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', copy: '\u00a9', reg: '\u00ae' };

export const HTML = new PyModule('html', {
  escape: fn('escape', (a, k) => {
    const [s, q] = bind('escape', a, k, ['s', 'quote'], 1);
    const text = String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    return truthy(q ?? true) ? text.replace(/"/g, '&quot;').replace(/'/g, '&#x27;') : text;
  }),
  unescape: fn('unescape', (a, k) => {
    const [s] = bind('unescape', a, k, ['s'], 1);
    return String(s).replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);?/g, (all, body: string) => {
      if (body.startsWith('#x') || body.startsWith('#X')) return String.fromCodePoint(parseInt(body.slice(2), 16));
      if (body.startsWith('#')) return String.fromCodePoint(Number(body.slice(1)));
      return Object.hasOwn(ENTITIES, body) ? ENTITIES[body] : all;
    });
  }),
});

function choice(seq: Value): Value {
  const items = iterate(seq);
  if (!items.length) throw new PyError('IndexError', 'Cannot choose from an empty sequence');
  return items[randomBelow(items.length)];
}

function randrange(a: Value[]): number {
  const [start, stop, step] = a.length === 1 ? [0, intArg(a[0], 0), 1] : [intArg(a[0], 0), intArg(a[1], 0), intArg(a[2], 1)];
  const n = Math.ceil((stop - start) / step);
  if (n <= 0) throw valueError(`empty range for randrange() (${start}, ${stop}, ${n})`);
  return start + step * randomBelow(n);
}

export const RANDOM = new PyModule('random', {
  random: fn('random', () => float(randomFloat())),
  uniform: fn('uniform', (a) => float(num(a[0], 'uniform') + (num(a[1], 'uniform') - num(a[0], 'uniform')) * randomFloat())),
  randint: fn('randint', (a, k) => {
    const [lo, hi] = bind('randint', a, k, ['a', 'b'], 2);
    return randrange([lo, intArg(hi, 0) + 1]);
  }),
  randrange: fn('randrange', (a) => randrange(a)),
  choice: fn('choice', (a, k) => choice(bind('choice', a, k, ['seq'], 1)[0])),
  sample: fn('sample', (a, k) => {
    const [population, count] = bind('sample', a, k, ['population', 'k'], 2);
    const pool = iterate(population);
    const n = intArg(count, 0);
    if (n > pool.length || n < 0) throw valueError('Sample larger than population or is negative');
    const out: Value[] = [];
    for (let i = 0; i < n; i++) out.push(pool.splice(randomBelow(pool.length), 1)[0]);
    return out;
  }),
  shuffle: fn('shuffle', (a) => {
    const list = a[0];
    if (!Array.isArray(list)) throw typeError(`'${typeName(list)}' object does not support item assignment`);
    touch(list);
    for (let i = list.length - 1; i > 0; i--) {
      const j = randomBelow(i + 1);
      [list[i], list[j]] = [list[j], list[i]];
    }
    return null;
  }),
  seed: fn('seed', () => null),
});

export const SECRETS = new PyModule('secrets', {
  token_bytes: fn('token_bytes', (a, k) => bytes(randomBytes(intArg(bind('token_bytes', a, k, ['nbytes'])[0], 32)))),
  token_hex: fn('token_hex', (a, k) => hex(randomBytes(intArg(bind('token_hex', a, k, ['nbytes'])[0], 32)))),
  token_urlsafe: fn('token_urlsafe', (a, k) => b64encode(randomBytes(intArg(bind('token_urlsafe', a, k, ['nbytes'])[0], 32))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')),
  choice: fn('choice', (a, k) => choice(bind('choice', a, k, ['seq'], 1)[0])),
  randbelow: fn('randbelow', (a, k) => {
    const n = intArg(bind('randbelow', a, k, ['exclusive_upper_bound'], 1)[0], 0);
    if (n <= 0) throw valueError('Upper bound must be positive.');
    return randomBelow(n);
  }),
  compare_digest: fn('compare_digest', (a) => String(a[0]) === String(a[1])),
});

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

export const CALENDAR = new PyModule('calendar', {
  isleap: fn('isleap', (a) => isLeap(intArg(a[0], 0))),
  monthrange: fn('monthrange', (a, k) => {
    const [y, m] = bind('monthrange', a, k, ['year', 'month'], 2).map((v) => intArg(v, 0));
    if (m < 1 || m > 12) throw new PyError('IllegalMonthError', `bad month number ${m}; must be 1-12`);
    const first = (new Date(Date.UTC(y, m - 1, 1)).getUTCDay() + 6) % 7;
    const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
    return tuple([first, days]);
  }),
  timegm: fn('timegm', (a) => {
    const parts = iterate(a[0]).map((v) => intArg(v instanceof PyFloat ? Math.trunc(v.value) : v, 0));
    const [y, mo, d, h = 0, mi = 0, s = 0] = parts;
    return Date.UTC(y, mo - 1, d, h, mi, s) / 1000;
  }),
});
