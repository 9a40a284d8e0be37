/**
 * Python's str() and repr(), which string rendering prints: `True`, `None`, `2.0`, `['a1', 'b2']`,
 * `{'name': 'Jane'}` (insertion order), `b'...'`, `1e+16`.
 */
import { PyBytes, PyFloat, PyObject, Undefined, isTuple, type Value } from './values.js';

export function pyStr(v: Value): string {
  if (typeof v === 'string') return v;
  if (v instanceof Undefined) return '';
  if (v instanceof PyBytes) return bytesRepr(v.data);
  if (v instanceof PyObject) return v.str();
  return pyRepr(v);
}

export function pyRepr(v: Value, seen: Set<object> = new Set()): string {
  if (v === null || v === undefined) return 'None';
  switch (typeof v) {
    case 'boolean':
      return v ? 'True' : 'False';
    case 'number':
      return Number.isInteger(v) ? intText(v) : floatRepr(v);
    case 'string':
      return strRepr(v);
  }
  if (v instanceof PyFloat) return floatRepr(v.value);
  if (v instanceof Undefined) return 'Undefined';
  if (v instanceof PyBytes) return bytesRepr(v.data);
  if (v instanceof PyObject) return v.repr();
  if (Array.isArray(v)) {
    if (seen.has(v)) return isTuple(v) ? '(...)' : '[...]';
    seen.add(v);
    const inner = v.map((x) => pyRepr(x, seen));
    seen.delete(v);
    if (!isTuple(v)) return `[${inner.join(', ')}]`;
    return inner.length === 1 ? `(${inner[0]},)` : `(${inner.join(', ')})`;
  }
  if (v instanceof Map) {
    if (seen.has(v)) return '{...}';
    seen.add(v);
    const inner = [...v].map(([k, x]) => `${pyRepr(k, seen)}: ${pyRepr(x, seen)}`);
    seen.delete(v);
    // str(CaseInsensitiveDict) prints the plain dict of its items, so HeaderMap needs no case of its own
    return `{${inner.join(', ')}}`;
  }
  return String(v);
}

export function intText(n: number): string {
  if (Number.isSafeInteger(n)) return String(n);
  if (!Number.isFinite(n)) return floatRepr(n);
  return BigInt(n).toString();
}

/** repr(float): the shortest digits that round-trip, fixed between 1e-4 and 1e16, else exponent form. */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mantissa, expText] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exp = Number(expText);
  if (exp >= -4 && exp < 16) {
    if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
    const whole = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    const frac = digits.slice(exp + 1);
    return `${sign}${whole}.${frac || '0'}`;
  }
  const lead = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
  return `${sign}${lead}e${exp < 0 ? '-' : '+'}${e}`;
}

const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

export function strRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch !== ' ' && NOT_PRINTABLE.test(ch)) out += escapeCodePoint(ch.codePointAt(0) ?? 0);
    else out += ch;
  }
  return out + quote;
}

function escapeCodePoint(cp: number): string {
  if (cp < 0x100) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}

export function bytesRepr(data: Uint8Array): string {
  let hasSingle = false;
  let hasDouble = false;
  for (const b of data) {
    if (b === 0x27) hasSingle = true;
    if (b === 0x22) hasDouble = true;
  }
  const quote = hasSingle && !hasDouble ? 0x22 : 0x27;
  let out = "b" + String.fromCharCode(quote);
  for (const b of data) {
    if (b === quote || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b === 0x09) out += '\\t';
    else if (b < 0x20 || b >= 0x7f) out += `\\x${b.toString(16).padStart(2, '0')}`;
    else out += String.fromCharCode(b);
  }
  return out + String.fromCharCode(quote);
}
