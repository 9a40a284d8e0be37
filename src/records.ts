/**
 * The shared record vocabulary, a leaf module that sources, converters, the sandbox, the config loader and the
 * pipeline all import (and that imports nothing): raw records, field mappings, converter parameters, getPath.
 *
 * Field mappings: how an Oomnitza field gets its value from a source record.
 *   mapping.SERIAL_NUMBER = {"source": "hardware.serial", "converter": "split:on=/|index=0", "required": true}
 *   mapping.OS = os_name                      (bare string = {"source": "os_name"})
 */

/** A record as the source produced it: nested objects allowed, dotted mapping paths reach into them. */
export type RawRecord = Record<string, unknown>;

/**
 * Instances have no Object.prototype above them: their prototype is an empty null-prototype object, so field names
 * that are user text ("__proto__", "constructor", "hasOwnProperty") are plain own keys, as with Object.create(null).
 * Unlike Object.create(null), which V8 keeps as a slow dictionary, these stay fast-mode objects: records of the same
 * keys share one hidden class, and filling, reading and serialising them costs 2-3x less (measured, issue 19).
 */
const FieldsObject = function FieldsObject() {} as unknown as new () => Record<string, unknown>;
FieldsObject.prototype = Object.create(null) as object;

/** An empty object for user-named fields: see FieldsObject. */
export function newFieldsObject<T = unknown>(): Record<string, T> {
  return new FieldsObject() as Record<string, T>;
}

export interface FieldMapping {
  /** Dotted path into the record (`general.serial_number`, `items.0.name`). */
  source?: string;
  /** Converter name, optionally with arguments: `name:arg=value|flag`. */
  converter?: string;
  /** Name of a section setting whose text becomes the value (`"setting": "default_role"` sends "25"). */
  setting?: string;
  /** A constant value sent as is (`{"hardcoded": []}`). */
  hardcoded?: unknown;
  /** When true and the value is empty, the record is not sent (and is reported). */
  required?: boolean;
}

/**
 * Ordered: field order in pushed records follows insertion order, as in the original. Field names are user text:
 * build these with a null prototype (Object.create(null)) so that "constructor" or "__proto__" stay plain keys.
 */
export type FieldMappings = Record<string, FieldMapping>;

const KNOWN_KEYS = new Set(['source', 'converter', 'setting', 'hardcoded', 'required', 'type']);

/** Parses the value of a `mapping.X` line. Throws an Error with a user-facing message. */
export function parseMappingValue(raw: string): FieldMapping {
  const text = raw.trim();
  if (!text.startsWith('{') && !text.startsWith('[')) {
    if (!text) throw new Error('empty mapping (give a source field name or a JSON object)');
    return { source: text };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`malformed mapping JSON (${(err as Error).message}); use double quotes, e.g. {"source": "serial"}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('a mapping must be a JSON object');
  const m = parsed as Record<string, unknown>;
  const unknown = Object.keys(m).filter((k) => !KNOWN_KEYS.has(k));
  if (unknown.length) throw new Error(`unknown mapping key(s) ${unknown.map((k) => `"${k}"`).join(', ')}; allowed: source, converter, setting, hardcoded, required`);
  for (const k of ['source', 'converter', 'setting'] as const) {
    if (m[k] !== undefined && typeof m[k] !== 'string') throw new Error(`"${k}" must be a string`);
  }
  if (m.source === undefined && m.setting === undefined && m.hardcoded === undefined && m.converter === undefined) {
    throw new Error('a mapping needs one of "source", "setting", "hardcoded" or "converter"');
  }
  const mapping: FieldMapping = {};
  if (m.source !== undefined) mapping.source = m.source as string;
  if (m.converter !== undefined) mapping.converter = m.converter as string;
  if (m.setting !== undefined) mapping.setting = m.setting as string;
  if (m.hardcoded !== undefined) mapping.hardcoded = m.hardcoded;
  if (m.required !== undefined) mapping.required = isTruthySetting(m.required);
  return mapping;
}

function isTruthySetting(v: unknown): boolean {
  if (typeof v === 'string') return ['true', 'yes', 'on', '1'].includes(v.toLowerCase());
  return Boolean(v);
}

export type ConverterParams = Record<string, string | true>;

/** `date_format:format=%Y-%m-%d|utc` -> { name: 'date_format', params: { format: '%Y-%m-%d', utc: true } } */
export function parseConverterSpec(spec: string): { name: string; params: ConverterParams } {
  const colon = spec.indexOf(':');
  // Null prototype: argument names are the admin's text, and `params.constructor` must not be Object's.
  const params: ConverterParams = Object.create(null);
  if (colon < 0) return { name: spec.trim(), params };
  for (const arg of spec.slice(colon + 1).split('|')) {
    const eq = arg.indexOf('=');
    if (eq < 0) params[arg] = true;
    else params[arg.slice(0, eq)] = arg.slice(eq + 1);
  }
  return { name: spec.slice(0, colon).trim(), params };
}

/**
 * Follows a dotted path into nested objects and arrays. As in the original, a key that itself contains
 * dots (`"a.b": 1`) is found when the path cannot be followed part by part. Missing -> undefined.
 */
export function getPath(data: unknown, path: string): unknown {
  if (data === null || data === undefined || typeof data !== 'object') return undefined;
  const obj = data as Record<string, unknown>;
  if (Object.prototype.hasOwnProperty.call(obj, path)) return obj[path];
  const dot = path.indexOf('.');
  if (dot < 0) return undefined;
  const head = path.slice(0, dot);
  if (Array.isArray(data)) {
    if (!/^\d+$/.test(head)) return undefined;
    return getPath(data[Number(head)], path.slice(dot + 1));
  }
  if (!Object.prototype.hasOwnProperty.call(obj, head)) return undefined;
  return getPath(obj[head], path.slice(dot + 1));
}

/** Applies later mappings over earlier ones key by key, as the original merges INI over server/default. */
export function mergeMappings(...layers: FieldMappings[]): FieldMappings {
  // Null prototype: a field named "__proto__" or "constructor" is a field like any other.
  const out: FieldMappings = Object.create(null);
  for (const layer of layers) {
    for (const [field, m] of Object.entries(layer)) out[field] = { ...(Object.hasOwn(out, field) ? out[field] : {}), ...m };
  }
  return out;
}

/** Source paths the mappings read, so sources can request only those attributes. */
export function mappedFields(mappings: FieldMappings): string[] {
  return [...new Set(Object.values(mappings).flatMap((m) => (m.source ? [m.source] : [])))];
}
