/**
 * Python's operators on the value model: `'2' == 2` is false, `10 / 5` is `2.0`, `-7 // 2` is `-4`,
 * `'a' * 3`, list concatenation, chained comparisons, `in` on strings, lists and dicts. A string or list
 * repetition larger than MAX_REPEAT fails at once (MemoryError) instead of exhausting the sandbox.
 */
import { formatPercent } from './format.js';
import { pyStr } from './repr.js';
import {
  HeaderMap, PyError, PyFloat, PyObject, Undefined, UndefinedError, dictKey, float, isFloat, isInt, isNumber,
  isTuple, numberOf, tuple, typeError, typeName, type Value,
} from './values.js';
import type { BinaryOp, CompareOp } from './ast.js';

/** Characters (or list items) one repetition may produce; 'a' * 10**9 stops here rather than at the memory cap. */
export const MAX_REPEAT = 32 * 1024 * 1024;

export function undefinedFail(v: Undefined): never {
  throw new UndefinedError(v.hint);
}

function numeric(a: Value, b: Value): boolean {
  return isNumber(a) && isNumber(b);
}

function resultNumber(n: number, a: Value, b: Value): Value {
  return isFloat(a) || isFloat(b) ? float(n) : n;
}

export function binary(op: BinaryOp, a: Value, b: Value): Value {
  if (a instanceof Undefined) undefinedFail(a);
  if (b instanceof Undefined) undefinedFail(b);
  const unsupported = () => typeError(`unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
  if (a instanceof PyObject || b instanceof PyObject) {
    const viaLeft = a instanceof PyObject && a.binop ? a.binop(op, b, false) : undefined;
    if (viaLeft !== undefined) return viaLeft;
    const viaRight = b instanceof PyObject && b.binop ? b.binop(op, a, true) : undefined;
    if (viaRight !== undefined) return viaRight;
  }
  switch (op) {
    case '+':
      if (numeric(a, b)) return resultNumber(numberOf(a as number) + numberOf(b as number), a, b);
      if (typeof a === 'string' && typeof b === 'string') return checkLength(a.length + b.length, () => a + b);
      if (Array.isArray(a) && Array.isArray(b) && isTuple(a) === isTuple(b)) {
        const joined = [...a, ...b];
        return isTuple(a) ? tuple(joined) : joined;
      }
      if (typeof a === 'string') throw typeError(`can only concatenate str (not "${typeName(b)}") to str`);
      if (Array.isArray(a)) throw typeError(`can only concatenate ${typeName(a)} (not "${typeName(b)}") to ${typeName(a)}`);
      throw unsupported();
    case '-':
      if (numeric(a, b)) return resultNumber(numberOf(a as number) - numberOf(b as number), a, b);
      throw unsupported();
    case '*':
      if (numeric(a, b)) return resultNumber(numberOf(a as number) * numberOf(b as number), a, b);
      if (isInt(b) && (typeof a === 'string' || Array.isArray(a))) return repeat(a, Number(b));
      if (isInt(a) && (typeof b === 'string' || Array.isArray(b))) return repeat(b, Number(a));
      if ((typeof a === 'string' || Array.isArray(a)) && isNumber(b)) throw typeError(`can't multiply sequence by non-int of type '${typeName(b)}'`);
      throw unsupported();
    case '/': {
      if (!numeric(a, b)) throw unsupported();
      const d = numberOf(b as number);
      if (d === 0) throw new PyError('ZeroDivisionError', 'division by zero');
      return float(numberOf(a as number) / d);
    }
    case '//': {
      if (!numeric(a, b)) throw unsupported();
      const d = numberOf(b as number);
      if (d === 0) throw new PyError('ZeroDivisionError', isFloat(a) || isFloat(b) ? 'float floor division by zero' : 'integer division or modulo by zero');
      return resultNumber(Math.floor(numberOf(a as number) / d), a, b);
    }
    case '%': {
      if (typeof a === 'string') return formatPercent(a, b);
      if (!numeric(a, b)) throw unsupported();
      const d = numberOf(b as number);
      if (d === 0) throw new PyError('ZeroDivisionError', isFloat(a) || isFloat(b) ? 'float modulo' : 'integer division or modulo by zero');
      const n = numberOf(a as number);
      const m = n - d * Math.floor(n / d);
      return resultNumber(m, a, b);
    }
    case '**': {
      if (!numeric(a, b)) throw unsupported();
      const base = numberOf(a as number);
      const exp = numberOf(b as number);
      if (base === 0 && exp < 0) throw new PyError('ZeroDivisionError', '0.0 cannot be raised to a negative power');
      const r = base ** exp;
      if (isFloat(a) || isFloat(b) || exp < 0) {
        if (!Number.isFinite(r) && Number.isFinite(base)) throw new PyError('OverflowError', 'Numerical result out of range');
        return float(r);
      }
      return r;
    }
  }
}

function checkLength<T>(length: number, make: () => T): T {
  if (length > MAX_REPEAT) throw new PyError('MemoryError', `a result of ${length} characters is larger than the sandbox allows`);
  return make();
}

function repeat(seq: string | unknown[], times: number): Value {
  if (times <= 0) return typeof seq === 'string' ? '' : Array.isArray(seq) && isTuple(seq) ? tuple([]) : [];
  const size = seq.length * times;
  if (size > MAX_REPEAT) throw new PyError('MemoryError', `a repetition of ${size} items is larger than the sandbox allows`);
  if (typeof seq === 'string') return seq.repeat(times);
  const out: unknown[] = [];
  for (let i = 0; i < times; i++) out.push(...seq);
  return isTuple(seq) ? tuple(out) : out;
}

export function negate(v: Value, sign: 1 | -1): Value {
  if (v instanceof Undefined) undefinedFail(v);
  if (!isNumber(v)) throw typeError(`bad operand type for unary ${sign < 0 ? '-' : '+'}: '${typeName(v)}'`);
  const n = numberOf(v) * sign;
  return isFloat(v) ? float(n) : n === 0 ? 0 : n;
}

/** Python ==. */
export function equals(a: Value, b: Value): boolean {
  if (a === b) return !(a instanceof PyFloat && Number.isNaN(a.value)); // NaN is unequal to itself
  if (isNumber(a) && isNumber(b)) return numberOf(a) === numberOf(b);
  if (a instanceof Undefined || b instanceof Undefined) return a instanceof Undefined && b instanceof Undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (isTuple(a) !== isTuple(b) || a.length !== b.length) return false;
    return a.every((x, i) => equals(x, b[i]));
  }
  if (a instanceof Map && b instanceof Map) {
    if (a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !equals(v, b.get(k))) return false;
    return true;
  }
  if (a instanceof PyObject) return a.equals(b);
  if (b instanceof PyObject) return b.equals(a);
  return false;
}

/** Python's ordering: numbers with numbers, strings with strings, sequences element-wise; otherwise TypeError. */
export function order(a: Value, b: Value, op = '<'): number {
  if (isNumber(a) && isNumber(b)) {
    const x = numberOf(a);
    const y = numberOf(b);
    return x < y ? -1 : x > y ? 1 : x === y ? 0 : NaN;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b) && isTuple(a) === isTuple(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (!equals(a[i], b[i])) return order(a[i], b[i], op);
    }
    return a.length - b.length;
  }
  if (a instanceof PyObject) {
    const r = a.compare(b);
    if (r !== undefined) return r;
  }
  if (a instanceof Undefined) undefinedFail(a);
  if (b instanceof Undefined) undefinedFail(b);
  throw typeError(`'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

export function contains(container: Value, item: Value): boolean {
  if (typeof container === 'string') {
    if (typeof item !== 'string') throw typeError(`'in <string>' requires string as left operand, not ${typeName(item)}`);
    return container.includes(item);
  }
  if (Array.isArray(container)) return container.some((x) => equals(x, item));
  if (container instanceof Map) {
    let key: Value;
    try {
      key = dictKey(item);
    } catch (err) {
      if (container instanceof HeaderMap) return false;
      throw err;
    }
    return container.has(key);
  }
  if (container instanceof Undefined) return false;
  if (container instanceof PyObject) {
    const items = container.iter();
    if (items) return items.some((x) => equals(x, item));
  }
  throw typeError(`argument of type '${typeName(container)}' is not iterable`);
}

export function compare(op: CompareOp, a: Value, b: Value): boolean {
  switch (op) {
    case 'eq': return equals(a, b);
    case 'ne': return !equals(a, b);
    case 'lt': return order(a, b, '<') < 0;
    case 'lteq': return order(a, b, '<=') <= 0;
    case 'gt': return order(a, b, '>') > 0;
    case 'gteq': return order(a, b, '>=') >= 0;
    case 'in': return contains(b, a);
    case 'notin': return !contains(b, a);
  }
}

/** `a ~ b`: str() of both sides (an Undefined prints as ''). */
export function concat(values: Value[]): string {
  return values.map(pyStr).join('');
}
