/**
 * Python string formatting: `'%s-%05.1f' % (a, b)` (printf style), `'{} {:>5} {name!r}'.format(...)` and the
 * format mini-language (`format(value, spec)`), for the types templates use.
 */
import { floatRepr, intText, pyRepr, pyStr } from './repr.js';
import {
  PyError, PyFloat, PyObject, isFloat, isInt, isNumber, isTuple, lookups, numberOf, typeError, typeName, valueError, type Value,
} from './values.js';

// ---- numbers ----------------------------------------------------------------------------------------------

/**
 * toFixed with Python's rounding: correctly rounded from the exact binary value (which toFixed does too), but an
 * exact tie goes to the even digit (toFixed rounds it up). A tie is exact only when the value's full decimal
 * expansion ends in 5 at that digit: 2.675 is really 2.67499999..., so both give 2.67.
 */
export function fixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return floatRepr(x);
  if (digits > 100) digits = 100;
  if (Math.abs(x) >= 1e21) {
    const whole = BigInt(Math.round(x)).toString();
    return digits > 0 ? `${whole}.${'0'.repeat(digits)}` : whole;
  }
  const expansion = Math.abs(x).toFixed(Math.min(100, digits + 40));
  const tail = expansion.slice(expansion.indexOf('.') + 1 + digits);
  if (/^50*$/.test(tail)) {
    const kept = expansion.slice(0, expansion.indexOf('.') + 1 + digits).replace(/\.$/, '');
    const lastDigit = Number(kept[kept.length - 1]);
    if (lastDigit % 2 === 0) return (x < 0 ? '-' : '') + kept;
  }
  return x.toFixed(digits);
}

function exponent(x: number, digits: number, upper = false): string {
  if (!Number.isFinite(x)) return floatRepr(x);
  const [m, e] = x.toExponential(Math.min(digits, 100)).split('e');
  const n = Number(e);
  const text = `${m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  return upper ? text.toUpperCase() : text;
}

function general(x: number, precision: number, alternate: boolean, upper = false): string {
  if (!Number.isFinite(x)) return upper ? floatRepr(x).toUpperCase() : floatRepr(x);
  const p = precision === 0 ? 1 : precision;
  if (x === 0) return alternate ? `0.${'0'.repeat(p - 1)}` : Object.is(x, -0) ? '-0' : '0';
  const exp = Number(x.toExponential(p - 1).split('e')[1]);
  let text: string;
  if (exp >= -4 && exp < p) text = fixed(x, p - 1 - exp);
  else text = exponent(x, p - 1, upper);
  if (!alternate) {
    text = text.replace(/(\.\d*?)0+(?=$|e|E)/, '$1').replace(/\.(?=$|e|E)/, '');
  }
  return text;
}

function asNumber(v: Value, type: string): number {
  if (!isNumber(v)) throw typeError(`must be real number, not ${typeName(v)}`);
  void type;
  return numberOf(v);
}

// ---- printf style -----------------------------------------------------------------------------------------

const PERCENT = /%(?:\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])/g;

export function formatPercent(format: string, args: Value): string {
  const positional = isTuple(args) ? [...args] : [args];
  const mapping = args instanceof Map ? args : undefined;
  let index = 0;
  const take = (): Value => {
    if (index >= positional.length) throw typeError('not enough arguments for format string');
    return positional[index++];
  };
  const out = format.replace(PERCENT, (_all, key: string | undefined, flags: string, width?: string, precision?: string, type?: string) => {
    if (type === '%') return '%';
    const w = width === '*' ? Number(take()) : width ? Number(width) : 0;
    const p = precision === '*' ? Number(take()) : precision !== undefined ? Number(precision) : undefined;
    let value: Value;
    if (key !== undefined) {
      if (!mapping) throw typeError('format requires a mapping');
      if (!mapping.has(key)) throw new PyError('KeyError', pyRepr(key));
      value = mapping.get(key);
    } else {
      value = take();
    }
    return pad(convertPercent(value, flags, p, type ?? 's'), w, flags.includes('-') ? '<' : '>', flags.includes('0') && !flags.includes('-') && 'diouxXeEfFgG'.includes(type ?? ''));
  });
  if (!mapping && index < positional.length && !(positional.length === 1 && positional[0] instanceof Map)) {
    throw typeError('not all arguments converted during string formatting');
  }
  return out;
}

function convertPercent(v: Value, flags: string, precision: number | undefined, type: string): string {
  const sign = (n: number, text: string) => (n < 0 || Object.is(n, -0) ? text : flags.includes('+') ? `+${text}` : flags.includes(' ') ? ` ${text}` : text);
  switch (type) {
    case 's': {
      const s = pyStr(v);
      return precision !== undefined ? s.slice(0, precision) : s;
    }
    case 'r':
    case 'a': {
      const s = pyRepr(v);
      return precision !== undefined ? s.slice(0, precision) : s;
    }
    case 'c':
      return typeof v === 'string' ? v : String.fromCodePoint(Number(v));
    case 'd':
    case 'i':
    case 'u': {
      const n = Math.trunc(asNumber(v, type));
      return sign(n, intText(Math.abs(n)).padStart(precision ?? 0, '0').replace(/^/, n < 0 ? '-' : ''));
    }
    case 'o':
    case 'x':
    case 'X': {
      if (!isInt(v)) throw typeError(`%${type} format: an integer is required, not ${typeName(v)}`);
      const n = Number(v);
      let digits = Math.abs(n).toString(type === 'o' ? 8 : 16);
      if (type === 'X') digits = digits.toUpperCase();
      if (flags.includes('#')) digits = `0${type}${digits}`;
      return sign(n, `${n < 0 ? '-' : ''}${digits}`);
    }
    case 'e':
    case 'E': {
      const n = asNumber(v, type);
      return sign(n, exponent(n, precision ?? 6, type === 'E'));
    }
    case 'f':
    case 'F': {
      const n = asNumber(v, type);
      return sign(n, fixed(n, precision ?? 6));
    }
    case 'g':
    case 'G': {
      const n = asNumber(v, type);
      return sign(n, general(n, precision ?? 6, flags.includes('#'), type === 'G'));
    }
  }
  throw valueError(`unsupported format character '${type}'`);
}

function pad(text: string, width: number, align: string, zero: boolean, fill = ' '): string {
  if (text.length >= width) return text;
  const room = width - text.length;
  if (zero) {
    const sign = /^[-+ ]/.test(text) ? text[0] : '';
    const body = sign ? text.slice(1) : text;
    const prefix = /^0[xXob]/.test(body) ? body.slice(0, 2) : '';
    return sign + prefix + '0'.repeat(room) + body.slice(prefix.length);
  }
  if (align === '<') return text + fill.repeat(room);
  if (align === '^') return fill.repeat(Math.floor(room / 2)) + text + fill.repeat(Math.ceil(room / 2));
  return fill.repeat(room) + text;
}

// ---- format mini-language ---------------------------------------------------------------------------------

const SPEC = /^(?:(.)?([<>=^]))?([-+ ])?(z)?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/su;

/** format(value, spec) */
export function formatValue(v: Value, spec: string): string {
  if (v instanceof PyObject && v.formatSpec) return v.formatSpec(spec);
  const m = SPEC.exec(spec);
  if (!m) throw valueError(`Invalid format specifier '${spec}' for object of type '${typeName(v)}'`);
  const [, fillChar, alignChar, signChar, , alt, zero, widthText, grouping, precText, typeChar] = m;
  const width = widthText ? Number(widthText) : 0;
  const precision = precText !== undefined ? Number(precText) : undefined;
  const numericValue = isNumber(v) && typeof v !== 'boolean' ? true : typeof v === 'boolean' && typeChar !== undefined && typeChar !== 's';
  let text: string;
  if (typeof v === 'string' || (!numericValue && !(v instanceof PyFloat))) {
    if (typeChar && typeChar !== 's') throw valueError(`Unknown format code '${typeChar}' for object of type '${typeName(v)}'`);
    text = pyStr(v);
    if (precision !== undefined) text = text.slice(0, precision);
    return pad(text, width, alignChar ?? '<', false, fillChar ?? ' ');
  }
  const n = numberOf(v as number);
  const float = isFloat(v);
  let type = typeChar ?? '';
  let body: string;
  const abs = Math.abs(n);
  switch (type) {
    case 'b': body = abs.toString(2); if (alt) body = `0b${body}`; break;
    case 'o': body = abs.toString(8); if (alt) body = `0o${body}`; break;
    case 'x': body = abs.toString(16); if (alt) body = `0x${body}`; break;
    case 'X': body = abs.toString(16).toUpperCase(); if (alt) body = `0X${body}`; break;
    case 'c': body = String.fromCodePoint(n); break;
    case 'd': case 'n':
      if (float) throw valueError(`Unknown format code '${type}' for object of type 'float'`);
      body = intText(abs); break;
    case 'e': case 'E': body = exponent(abs, precision ?? 6, type === 'E'); break;
    case 'f': case 'F': body = fixed(abs, precision ?? 6); break;
    case 'g': case 'G': body = general(abs, precision ?? 6, !!alt, type === 'G'); break;
    case '%': body = `${fixed(abs * 100, precision ?? 6)}%`; break;
    default:
      if (float) body = precision !== undefined ? general(abs, precision, !!alt) : floatRepr(abs);
      else body = intText(abs);
      type = '';
  }
  if (grouping) {
    const [whole, frac] = body.split('.');
    body = whole.replace(/\B(?=(\d{3})+(?!\d))/g, grouping) + (frac !== undefined ? `.${frac}` : '');
  }
  const negative = n < 0 || (float && Object.is(n, -0));
  const sign = negative ? '-' : signChar === '+' ? '+' : signChar === ' ' ? ' ' : '';
  if (zero && !alignChar) return sign + pad(body, width - sign.length, '>', true);
  if (alignChar === '=') return sign + pad(body, width - sign.length, '>', false, fillChar ?? ' ');
  return pad(sign + body, width, alignChar ?? '>', false, fillChar ?? ' ');
}

/** str.format: auto and manual numbering, keyword fields, `.attr` and `[key]` parts, `!r/!s/!a`, specs. */
export function formatString(format: string, args: Value[], kwargs: Map<string, Value>): string {
  let auto = 0;
  let out = '';
  let i = 0;
  while (i < format.length) {
    const c = format[i];
    if (c === '}') {
      if (format[i + 1] !== '}') throw valueError("Single '}' encountered in format string");
      out += '}';
      i += 2;
      continue;
    }
    if (c !== '{') {
      out += c;
      i++;
      continue;
    }
    if (format[i + 1] === '{') {
      out += '{';
      i += 2;
      continue;
    }
    let depth = 1;
    let j = i + 1;
    while (j < format.length && depth > 0) {
      if (format[j] === '{') depth++;
      else if (format[j] === '}') depth--;
      if (depth > 0) j++;
    }
    if (depth > 0) throw valueError("expected '}' before end of string");
    const field = format.slice(i + 1, j);
    i = j + 1;
    const fieldMatch = /^([^.[!:]*)((?:\.[^.[!:]+|\[[^\]]*\])*)(?:!([rsa]))?(?::(.*))?$/s.exec(field);
    if (!fieldMatch) throw valueError(`invalid format field '${field}'`);
    const [, name, path, conversion, rawSpec] = fieldMatch;
    let value: Value;
    if (name === '') {
      if (auto >= args.length) throw new PyError('IndexError', `Replacement index ${auto} out of range for positional args tuple`);
      value = args[auto++];
    } else if (/^\d+$/.test(name)) {
      const n = Number(name);
      if (n >= args.length) throw new PyError('IndexError', `Replacement index ${n} out of range for positional args tuple`);
      value = args[n];
    } else {
      if (!kwargs.has(name)) throw new PyError('KeyError', pyRepr(name));
      value = kwargs.get(name);
    }
    for (const part of path.match(/\.[^.[]+|\[[^\]]*\]/g) ?? []) {
      if (part.startsWith('.')) {
        if (part.startsWith('._')) throw new PyError('SecurityError', `access to attribute '${part.slice(1)}' of '${typeName(value)}' object is unsafe.`);
        value = lookups.attr(value, part.slice(1));
      } else {
        const key = part.slice(1, -1);
        value = lookups.item(value, /^\d+$/.test(key) ? Number(key) : key);
      }
    }
    if (conversion === 'r' || conversion === 'a') value = pyRepr(value);
    else if (conversion === 's') value = pyStr(value);
    const spec = rawSpec ? formatString(rawSpec, args, kwargs) : '';
    out += formatValue(value, spec);
  }
  return out;
}
