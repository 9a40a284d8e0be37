/**
 * The crossing between JSON and the value model. In: objects become dicts, a non-integral number a float,
 * and every top-level key ending in `response_headers` a case-insensitive HeaderMap (requests'
 * CaseInsensitiveDict), as in a managed run. Out (native results): tuples become arrays, None null, dict keys
 * strings; a value JSON cannot hold (bytes, a date, a function) becomes its Python str().
 */
import { intText, pyStr } from './repr.js';
import { noteOrigin } from './origin.js';
import { HeaderMap, PyFloat, PyObject, Undefined, type Value } from './values.js';

export function isHeaderKey(key: string): boolean {
  return key.endsWith('response_headers');
}

/** A JSON value in the value model; `context` (when given) records where each container came from (origin.ts). */
export function fromJson(data: unknown, context = 0, parent: object | null = null, key: string | number = ''): Value {
  if (data === null || typeof data === 'boolean' || typeof data === 'string') return data;
  if (typeof data === 'number') return Number.isInteger(data) ? data : new PyFloat(data);
  let out: Value = null;
  if (Array.isArray(data)) {
    const list: Value[] = new Array(data.length);
    for (let i = 0; i < data.length; i++) list[i] = fromJson(data[i], context, list, i);
    out = list;
  } else if (typeof data === 'object') {
    const map = new Map<Value, Value>();
    for (const k of Object.keys(data)) map.set(k, fromJson((data as Record<string, unknown>)[k], context, map, k));
    out = map;
  }
  if (context) noteOrigin(out, context, parent, key);
  return out;
}

/** The rendering context: a Map of top-level names, header maps made case-insensitive. */
export function contextFromJson(data: unknown, context = 0): Map<string, Value> {
  const names = new Map<string, Value>();
  if (!data || typeof data !== 'object' || Array.isArray(data)) return names;
  for (const key of Object.keys(data)) {
    const raw = (data as Record<string, unknown>)[key];
    let value = fromJson(raw, context, null, key);
    if (isHeaderKey(key) && value instanceof Map) {
      value = HeaderMap.from(value as Map<string, Value>);
      if (context) noteOrigin(value, context, null, key);
    }
    names.set(key, value);
  }
  return names;
}

function keyText(k: Value): string {
  if (typeof k === 'string') return k;
  if (k === null) return 'null';
  if (typeof k === 'boolean') return k ? 'true' : 'false';
  if (typeof k === 'number' && Number.isInteger(k)) return intText(k);
  return pyStr(k);
}

/**
 * A native result as plain JavaScript data for JSON.stringify (QuickJS's own, in C; writing the JSON text in
 * JavaScript measured twice as slow). Objects have no prototype, so a key such as "__proto__" is an ordinary
 * own key.
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
    // forEach, not for-of: QuickJS runs the iterator protocol (an entry array per key) several times slower
    v.forEach((x, k) => {
      out[typeof k === 'string' ? k : keyText(k)] = toPlain(x, depth + 1);
    });
    return out;
  }
  if (v instanceof PyObject) {
    const data = v.toData();
    return data !== undefined ? toPlain(data as Value, depth + 1) : pyStr(v);
  }
  return pyStr(v);
}
