/**
 * The crossing between JSON and the value model. In: objects become dicts, a non-integral number a float,
 * and every top-level key ending in `response_headers` a case-insensitive HeaderMap (requests'
 * CaseInsensitiveDict), as in a managed run. Out (native results): tuples become arrays, None null, dict keys
 * strings; a value JSON cannot hold (bytes, a date, a function) becomes its Python str().
 */
import { intText, pyStr } from './repr.js';
import { HeaderMap, PyFloat, PyObject, Undefined, type Value } from './values.js';

export function isHeaderKey(key: string): boolean {
  return key.endsWith('response_headers');
}

export function fromJson(data: unknown): Value {
  if (data === null || typeof data === 'boolean' || typeof data === 'string') return data;
  if (typeof data === 'number') return Number.isInteger(data) ? data : new PyFloat(data);
  if (Array.isArray(data)) return data.map(fromJson);
  if (typeof data === 'object') {
    const map = new Map<Value, Value>();
    for (const key of Object.keys(data)) map.set(key, fromJson((data as Record<string, unknown>)[key]));
    return map;
  }
  return null;
}

/** The rendering context: a Map of top-level names, header maps made case-insensitive. */
export function contextFromJson(data: unknown): Map<string, Value> {
  const context = new Map<string, Value>();
  if (!data || typeof data !== 'object' || Array.isArray(data)) return context;
  for (const key of Object.keys(data)) {
    const raw = (data as Record<string, unknown>)[key];
    const value = fromJson(raw);
    context.set(key, isHeaderKey(key) && value instanceof Map ? HeaderMap.from(value as Map<string, Value>) : value);
  }
  return context;
}

function keyText(k: Value): string {
  if (typeof k === 'string') return k;
  if (k === null) return 'null';
  if (typeof k === 'boolean') return k ? 'true' : 'false';
  if (typeof k === 'number' && Number.isInteger(k)) return intText(k);
  return pyStr(k);
}

/**
 * The JSON text of a native result, written directly (building JavaScript objects first and stringifying them
 * was the largest cost of a render in QuickJS: 50 ms for a 200-item list).
 */
export function toJsonText(v: Value, depth = 0): string {
  if (depth > 200) throw new RangeError('the result is nested too deeply');
  if (v === null || v === undefined || v instanceof Undefined) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Number.isFinite(v) ? (Number.isInteger(v) ? intText(v) : String(v)) : 'null';
  }
  if (v instanceof PyFloat) return Number.isFinite(v.value) ? String(v.value) : 'null';
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) out += (i ? ',' : '') + toJsonText(v[i], depth + 1);
    return `${out}]`;
  }
  if (v instanceof Map) {
    let out = '{';
    let first = true;
    for (const [k, x] of v) {
      out += `${first ? '' : ','}${JSON.stringify(keyText(k))}:${toJsonText(x, depth + 1)}`;
      first = false;
    }
    return `${out}}`;
  }
  if (v instanceof PyObject) {
    const data = v.toData();
    return data !== undefined ? toJsonText(data as Value, depth + 1) : JSON.stringify(v.str());
  }
  return JSON.stringify(pyStr(v));
}

/**
 * A native result as plain JavaScript data for JSON.stringify (QuickJS's own, in C). Objects have no
 * prototype, so a key such as "__proto__" is an ordinary own key.
 */
export function toPlain(v: Value, depth = 0): unknown {
  if (depth > 200) throw new RangeError('the result is nested too deeply');
  if (v === null || v === undefined || v instanceof Undefined) return null;
  const t = typeof v;
  if (t === 'string' || t === 'boolean') return v;
  if (t === 'number') return Number.isFinite(v) ? v : null;
  if (v instanceof PyFloat) return Number.isFinite(v.value) ? v.value : null;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = toPlain(v[i], depth + 1);
    return out;
  }
  if (v instanceof Map) {
    const out = Object.create(null) as Record<string, unknown>;
    for (const [k, x] of v) out[typeof k === 'string' ? k : keyText(k)] = toPlain(x, depth + 1);
    return out;
  }
  if (v instanceof PyObject) {
    const data = v.toData();
    return data !== undefined ? toPlain(data as Value, depth + 1) : v.str();
  }
  return pyStr(v);
}
