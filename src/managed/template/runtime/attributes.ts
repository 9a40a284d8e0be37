/**
 * `a.b` and `a['b']` as Jinja's sandboxed environment does them: `a.b` tries the Python attribute first (so
 * `x.items` is the dict method), then the item; `a['b']` tries the item first. A lookup on an Undefined
 * raises UndefinedError; a missing attribute or item gives an Undefined that says what was missing.
 * Methods come from tables checked with Object.hasOwn: no JavaScript property is reachable by name.
 */
import { BYTES_METHODS, DICT_METHODS, LIST_METHODS, TUPLE_METHODS, numberAttr } from './containerMethods.js';
import { undefinedFail } from './operators.js';
import { touch } from './origin.js';
import { pyRepr } from './repr.js';
import { STR_METHODS } from './strMethods.js';
import {
  PyBytes, PyError, PyFloat, PyFunction, PyModule, PyObject, Undefined, dictKey, isInt, isTuple, lookups, tuple, typeError, typeName,
  valueError, type Kwargs, type Value,
} from './values.js';

type Method<T> = (self: T, args: Value[], kwargs: Kwargs) => Value;

/** Methods that change their list or dict: a context value they change is no longer the host's copy (origin.ts). */
const MUTATORS = new Set(['append', 'extend', 'insert', 'pop', 'remove', 'reverse', 'sort', 'clear', 'popitem', 'setdefault', 'update']);

function bound<T>(table: Record<string, Method<T>>, self: T, name: string, owner: string): PyFunction | undefined {
  if (!Object.hasOwn(table, name)) return undefined;
  const method = table[name];
  const mutates = MUTATORS.has(name);
  return new PyFunction(name, (args, kwargs) => {
    if (mutates) touch(self as object);
    return method(self, args, kwargs);
  }, owner);
}

/** The Python attribute `name` of `obj`, or undefined. */
export function pythonAttr(obj: Value, name: string): Value | undefined {
  if (name.startsWith('_')) return undefined; // the sandbox's is_safe_attribute: no _private or __dunder__
  if (typeof obj === 'string') return bound(STR_METHODS, obj, name, 'str');
  if (Array.isArray(obj)) return isTuple(obj) ? bound(TUPLE_METHODS, obj, name, 'tuple') : bound(LIST_METHODS, obj, name, 'list');
  if (obj instanceof Map) return bound(DICT_METHODS, obj, name, 'dict');
  if (typeof obj === 'number' || typeof obj === 'boolean' || obj instanceof PyFloat) return numberAttr(obj, name);
  if (obj instanceof PyBytes) return bound(BYTES_METHODS, obj, name, 'bytes');
  if (obj instanceof PyObject) return obj.attr(name);
  return undefined;
}

/** `obj[key]` in Python, or undefined when Python would raise a LookupError or TypeError. */
export function pythonItem(obj: Value, key: Value): Value | undefined {
  if (typeof obj === 'string' || Array.isArray(obj) || obj instanceof PyBytes) {
    if (!isInt(key)) return undefined;
    const seq = typeof obj === 'string' ? Array.from(obj) : obj instanceof PyBytes ? Array.from(obj.data) : obj;
    const i = Number(key) < 0 ? Number(key) + seq.length : Number(key);
    return i >= 0 && i < seq.length ? seq[i] : undefined;
  }
  if (obj instanceof Map) {
    let k: Value;
    try {
      k = dictKey(key);
    } catch {
      return undefined;
    }
    return obj.has(k) ? obj.get(k) : undefined;
  }
  if (obj instanceof PyObject) return obj.item(key);
  return undefined;
}

function describe(obj: Value): string {
  if (obj === null) return 'None';
  return `${typeName(obj)} object`;
}

/**
 * Names whose lookup fails with SecurityError when the object has no such item: Python's `__dunder__`
 * attributes (which Jinja's sandbox refuses as unsafe) and the JavaScript names an escape would start with.
 */
const UNSAFE = /^__.*__$|^(?:constructor|prototype|__proto__|__defineGetter__|__defineSetter__|__lookupGetter__|__lookupSetter__)$/;

function unsafe(obj: Value, name: string): never {
  throw new PyError('SecurityError', `access to attribute '${name}' of '${typeName(obj)}' object is unsafe.`);
}

export function getAttr(obj: Value, name: string): Value {
  if (obj instanceof Undefined) undefinedFail(obj);
  const attr = pythonAttr(obj, name);
  if (attr !== undefined) return attr;
  if (obj instanceof PyModule) {
    throw new PyError('SecurityError', `module '${obj.name}' offers no '${name}' in the template sandbox`);
  }
  const item = pythonItem(obj, name);
  if (item !== undefined) return item;
  if (UNSAFE.test(name)) unsafe(obj, name);
  return new Undefined(`'${describe(obj)}' has no attribute '${name}'`);
}

export function getItem(obj: Value, key: Value): Value {
  if (obj instanceof Undefined) undefinedFail(obj);
  const item = pythonItem(obj, key);
  if (item !== undefined) return item;
  if (typeof key === 'string') {
    const attr = pythonAttr(obj, key);
    if (attr !== undefined) return attr;
    if (obj instanceof PyModule || UNSAFE.test(key)) unsafe(obj, key);
    return new Undefined(`'${describe(obj)}' has no attribute '${key}'`);
  }
  return new Undefined(`'${describe(obj)}' has no element ${pyRepr(key)}`);
}

function sliceIndex(v: Value | undefined): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isInt(v)) throw typeError('slice indices must be integers or None or have an __index__ method');
  return Number(v);
}

/** `seq[start:stop:step]` with Python's clamping and negative steps. */
export function getSlice(obj: Value, startV: Value | undefined, stopV: Value | undefined, stepV: Value | undefined): Value {
  if (obj instanceof Undefined) undefinedFail(obj);
  const step = sliceIndex(stepV) ?? 1;
  if (step === 0) throw valueError('slice step cannot be zero');
  let seq: Value[];
  if (typeof obj === 'string') seq = Array.from(obj);
  else if (Array.isArray(obj)) seq = obj;
  else if (obj instanceof PyBytes) seq = Array.from(obj.data);
  else return new Undefined(`'${describe(obj)}' has no element slice`);
  const n = seq.length;
  const norm = (v: number | undefined, fallback: number, lo: number, hi: number) => {
    if (v === undefined) return fallback;
    const x = v < 0 ? v + n : v;
    return Math.min(Math.max(x, lo), hi);
  };
  const out: Value[] = [];
  if (step > 0) {
    const start = norm(sliceIndex(startV), 0, 0, n);
    const stop = norm(sliceIndex(stopV), n, 0, n);
    for (let i = start; i < stop; i += step) out.push(seq[i]);
  } else {
    const start = norm(sliceIndex(startV), n - 1, -1, n - 1);
    const stop = norm(sliceIndex(stopV), -1, -1, n - 1);
    for (let i = start; i > stop; i += step) out.push(seq[i]);
  }
  if (typeof obj === 'string') return out.join('');
  if (obj instanceof PyBytes) return new PyBytes(Uint8Array.from(out as number[]));
  return isTuple(obj) ? tuple(out) : out;
}

lookups.attr = getAttr;
lookups.item = getItem;
