/**
 * Python's json.dumps and json.loads on the value model (`tojson` and `import('json')`): key order and
 * separators as Python prints them, ensure_ascii escapes, `1.0` parsed as a float (JSON.parse would lose it).
 */
import { floatRepr, intText } from './repr.js';
import {
  PyError, PyFloat, PyObject, Undefined, float, typeError, typeName, valueError, type Value,
} from './values.js';

export interface DumpOptions {
  indent?: number | string | null;
  sortKeys?: boolean;
  ensureAscii?: boolean;
  separators?: [string, string];
}

export function jsonDumps(value: Value, options: DumpOptions = {}): string {
  const indent = options.indent === undefined || options.indent === null ? null
    : typeof options.indent === 'number' ? ' '.repeat(Math.max(0, options.indent)) : options.indent;
  const [itemSep, keySep] = options.separators ?? (indent !== null ? [',', ': '] : [', ', ': ']);
  const ascii = options.ensureAscii ?? true;
  const seen = new Set<object>();
  const encode = (v: Value, depth: number): string => {
    if (v === null) return 'null';
    if (v === true) return 'true';
    if (v === false) return 'false';
    if (typeof v === 'number') return Number.isInteger(v) ? intText(v) : jsonFloat(v);
    if (v instanceof PyFloat) return jsonFloat(v.value);
    if (typeof v === 'string') return jsonString(v, ascii);
    const container = Array.isArray(v) || v instanceof Map;
    if (!container) {
      const data = v instanceof PyObject ? v.toData() : undefined;
      if (data !== undefined && !(v instanceof Undefined)) return encode(data as Value, depth);
      throw typeError(`Object of type ${typeName(v)} is not JSON serializable`);
    }
    if (seen.has(v as object)) throw valueError('Circular reference detected');
    seen.add(v as object);
    const open = indent === null ? '' : `\n${indent.repeat(depth + 1)}`;
    const close = indent === null ? '' : `\n${indent.repeat(depth)}`;
    const sep = indent === null ? itemSep : `${itemSep}${open}`;
    let out: string;
    if (Array.isArray(v)) {
      out = v.length === 0 ? '[]' : `[${open}${v.map((x) => encode(x, depth + 1)).join(sep)}${close}]`;
    } else {
      const map = v as Map<Value, Value>;
      let entries = [...map].map(([k, x]) => [jsonKey(k), x] as [string, Value]);
      if (options.sortKeys) entries = entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      out = entries.length === 0 ? '{}'
        : `{${open}${entries.map(([k, x]) => `${jsonString(k, ascii)}${keySep}${encode(x, depth + 1)}`).join(sep)}${close}}`;
    }
    seen.delete(v as object);
    return out;
  };
  return encode(value, 0);
}

function jsonFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return floatRepr(x);
}

function jsonKey(k: Value): string {
  if (typeof k === 'string') return k;
  if (k === null) return 'null';
  if (typeof k === 'boolean') return k ? 'true' : 'false';
  if (typeof k === 'number') return Number.isInteger(k) ? intText(k) : jsonFloat(k);
  if (k instanceof PyFloat) return jsonFloat(k.value);
  throw typeError(`keys must be str, int, float, bool or None, not ${typeName(k)}`);
}

export function jsonString(s: string, ascii: boolean): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i];
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || (ascii && c > 0x7e)) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** json.loads: objects become dicts (insertion order), `1.0` a float, NaN/Infinity accepted as Python does. */
export function jsonLoads(text: string): Value {
  let i = 0;
  const fail = (what: string): never => {
    const before = text.slice(0, i);
    const line = before.split('\n').length;
    const col = i - before.lastIndexOf('\n');
    throw new PyError('JSONDecodeError', `${what}: line ${line} column ${col} (char ${i})`);
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const value = (depth: number): Value => {
    if (depth > 500) throw new PyError('RecursionError', 'maximum recursion depth exceeded while decoding a JSON document');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const map = new Map<Value, Value>();
      ws();
      if (text[i] === '}') { i++; return map; }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('Expecting property name enclosed in double quotes');
        const key = string();
        ws();
        if (text[i] !== ':') fail("Expecting ':' delimiter");
        i++;
        map.set(key, value(depth + 1));
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return map; }
        fail("Expecting ',' delimiter");
      }
    }
    if (c === '[') {
      i++;
      const list: Value[] = [];
      ws();
      if (text[i] === ']') { i++; return list; }
      for (;;) {
        list.push(value(depth + 1));
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return list; }
        fail("Expecting ',' delimiter");
      }
    }
    if (c === '"') return string();
    for (const [word, v] of [['true', true], ['false', false], ['null', null], ['NaN', float(NaN)], ['Infinity', float(Infinity)], ['-Infinity', float(-Infinity)]] as const) {
      if (text.startsWith(word, i)) { i += word.length; return v; }
    }
    const m = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;
    m.lastIndex = i;
    const num = m.exec(text);
    if (!num) return fail('Expecting value');
    i += num[0].length;
    return num[1] !== undefined || num[2] !== undefined ? float(Number(num[0])) : Number(num[0]);
  };
  const string = (): string => {
    i++;
    let out = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) fail('Unterminated string starting at');
      if (c === '"') { i++; return out; }
      if (c === '\\') {
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && Object.hasOwn(simple, e)) { out += simple[e]; i += 2; continue; }
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
          continue;
        }
        fail('Invalid \\escape');
      }
      if (c.charCodeAt(0) < 0x20) fail('Invalid control character at');
      out += c;
      i++;
    }
  };
  const result = value(0);
  ws();
  if (i < text.length) fail('Extra data');
  return result;
}
