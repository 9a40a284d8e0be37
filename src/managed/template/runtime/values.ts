/**
 * The Python value model templates compute with (runs inside QuickJS; see ../README.md).
 *
 * | Python         | here                                                                  |
 * |----------------|-----------------------------------------------------------------------|
 * | None           | `null`                                                                |
 * | bool           | `boolean`                                                             |
 * | int            | `number` with an integral value                                       |
 * | float          | `PyFloat` (a non-integral `number` is read as a float too)            |
 * | str            | `string`                                                              |
 * | list / tuple   | `Array` (a tuple is an array registered with `tuple()`)               |
 * | dict           | `Map` (`HeaderMap` for the case-insensitive `*_response_headers`)     |
 * | Undefined      | `Undefined`                                                           |
 * | everything else| a `PyObject` subclass that lists its attributes itself                |
 *
 * Attributes are never JavaScript properties looked up by a template-controlled name: every object answers
 * `attr(name)` from its own table, checked with `Object.hasOwn`, so `__proto__` or `constructor` find nothing.
 */

export class PyFloat {
  constructor(readonly value: number) {}
}

/** Jinja's default Undefined: prints as '', is false, iterates as empty; any other use raises UndefinedError. */
export class Undefined {
  /** Jinja's wording of why it is undefined, used when it raises. */
  constructor(readonly hint: string = 'value is undefined') {}
}

export type Value = unknown;

const tuples = new WeakSet<object>();

/** Marks an array as a Python tuple (immutable, prints with parentheses, never equal to a list). */
export function tuple<T extends unknown[]>(items: T): T {
  tuples.add(items);
  return items;
}

export function isTuple(v: unknown): v is unknown[] {
  return Array.isArray(v) && tuples.has(v);
}

export function isList(v: unknown): v is unknown[] {
  return Array.isArray(v) && !tuples.has(v);
}

/** Every Python error a template can raise; `type` is the Python class name used in messages. */
export class PyError extends Error {
  constructor(readonly type: string, message: string) {
    super(message);
  }
}

export class UndefinedError extends PyError {
  constructor(message: string) {
    super('UndefinedError', message);
  }
}

export class TemplateSyntaxError extends Error {
  constructor(message: string, readonly line: number, readonly column: number) {
    super(message);
  }
}

export const typeError = (message: string) => new PyError('TypeError', message);
export const valueError = (message: string) => new PyError('ValueError', message);

/** Arguments of a call: positional values and keyword values. */
export type Kwargs = Map<string, Value>;

export type Callable = (args: Value[], kwargs: Kwargs) => Value;

/** Objects that are not plain data: functions, modules, dates, loops, ... */
export abstract class PyObject {
  /** Python's type name, for messages and `repr`. */
  abstract readonly typeName: string;
  /** An attribute, or `undefined` when there is none (then Jinja tries an item, then gives Undefined). */
  attr(_name: string): Value | undefined {
    return undefined;
  }
  repr(): string {
    return `<${this.typeName} object>`;
  }
  str(): string {
    return this.repr();
  }
  truthy(): boolean {
    return true;
  }
  /** Items for iteration, or undefined when not iterable. */
  iter(): Value[] | undefined {
    return undefined;
  }
  /** `obj[key]`; undefined when there is no such item. */
  item(_key: Value): Value | undefined {
    return undefined;
  }
  equals(other: Value): boolean {
    return this === other;
  }
  /** Negative, zero or positive; undefined when the two cannot be ordered. */
  compare(_other: Value): number | undefined {
    return undefined;
  }
  /** `self <op> other` (or `other <op> self` when `right`); undefined when not supported. */
  binop?(op: string, other: Value, right: boolean): Value | undefined;
  /** format(self, spec), for objects with their own format language (dates use strftime). */
  formatSpec?(spec: string): string;
  /** Present on callable objects (`loop(...)` in a recursive loop). */
  invoke?(args: Value[], kwargs: Kwargs): Value;
  /** Value of the object as JSON data for a native result (tuples become arrays), or undefined to use str(). */
  toData(): unknown {
    return undefined;
  }
}

export class PyFunction extends PyObject {
  readonly typeName = 'function';
  constructor(readonly name: string, readonly call: Callable, readonly owner?: string) {
    super();
  }
  repr(): string {
    return this.owner ? `<built-in method ${this.name} of ${this.owner} object>` : `<function ${this.name}>`;
  }
}

/** `import('json')` and friends: only the functions (and plain constants) listed here are reachable. */
export class PyModule extends PyObject {
  readonly typeName = 'module';
  constructor(readonly name: string, private readonly members: Record<string, Value>) {
    super();
  }
  attr(name: string): Value | undefined {
    return Object.hasOwn(this.members, name) ? this.members[name] : undefined;
  }
  repr(): string {
    return `<module '${this.name}'>`;
  }
}

export class PyBytes extends PyObject {
  readonly typeName = 'bytes';
  constructor(readonly data: Uint8Array) {
    super();
  }
  truthy(): boolean {
    return this.data.length > 0;
  }
  iter(): Value[] {
    return Array.from(this.data);
  }
  equals(other: Value): boolean {
    if (!(other instanceof PyBytes) || other.data.length !== this.data.length) return false;
    return this.data.every((b, i) => other.data[i] === b);
  }
  compare(other: Value): number | undefined {
    if (!(other instanceof PyBytes)) return undefined;
    const n = Math.min(this.data.length, other.data.length);
    for (let i = 0; i < n; i++) if (this.data[i] !== other.data[i]) return this.data[i] - other.data[i];
    return this.data.length - other.data.length;
  }
}

/** Jinja's `namespace()`: the only object `{% set ns.x = ... %}` may assign to. */
export class Namespace extends PyObject {
  readonly typeName = 'Namespace';
  readonly attrs = new Map<string, Value>();
  attr(name: string): Value | undefined {
    return this.attrs.get(name);
  }
}

/** requests' CaseInsensitiveDict, used for every `*_response_headers` context value. */
export class HeaderMap extends Map<Value, Value> {
  private readonly index = new Map<string, Value>();
  static from(entries: Iterable<[string, Value]>): HeaderMap {
    const map = new HeaderMap();
    for (const [k, v] of entries) map.set(k, v);
    return map;
  }
  get(key: Value): Value | undefined {
    const original = typeof key === 'string' ? this.index.get(key.toLowerCase()) : undefined;
    return original === undefined ? undefined : super.get(original);
  }
  has(key: Value): boolean {
    return typeof key === 'string' && this.index.has(key.toLowerCase());
  }
  set(key: Value, value: Value): this {
    if (typeof key !== 'string') throw typeError('header names must be strings');
    const lower = key.toLowerCase();
    const previous = this.index?.get(lower);
    if (previous !== undefined && previous !== key) super.delete(previous);
    this.index?.set(lower, key);
    return super.set(key, value);
  }
  delete(key: Value): boolean {
    if (typeof key !== 'string') return false;
    const original = this.index.get(key.toLowerCase());
    if (original === undefined) return false;
    this.index.delete(key.toLowerCase());
    return super.delete(original);
  }
  clear(): void {
    this.index.clear();
    super.clear();
  }
}

/**
 * Attribute and item lookup as Jinja does them (attributes.ts installs them): str.format and a few filters
 * need them, and a direct import would make a cycle.
 */
export const lookups: { attr(obj: Value, name: string): Value; item(obj: Value, key: Value): Value } = {
  attr: () => new Undefined(),
  item: () => new Undefined(),
};

/** A JavaScript number or PyFloat as the number it holds (booleans count as 0/1, as in Python). */
export function isNumber(v: Value): v is number | PyFloat | boolean {
  return typeof v === 'number' || v instanceof PyFloat || typeof v === 'boolean';
}

export function numberOf(v: number | PyFloat | boolean): number {
  return v instanceof PyFloat ? v.value : Number(v);
}

export function isFloat(v: Value): boolean {
  return v instanceof PyFloat || (typeof v === 'number' && !Number.isInteger(v));
}

export function isInt(v: Value): v is number | boolean {
  return (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'boolean';
}

export function float(n: number): PyFloat {
  return new PyFloat(n);
}

/** Python's type name of a value, as it appears in error messages. */
export function typeName(v: Value): string {
  if (v === null) return 'NoneType';
  if (v instanceof Undefined) return 'Undefined';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(v) ? 'int' : 'float';
    case 'string':
      return 'str';
  }
  if (v instanceof PyFloat) return 'float';
  if (Array.isArray(v)) return isTuple(v) ? 'tuple' : 'list';
  if (v instanceof HeaderMap) return 'CaseInsensitiveDict';
  if (v instanceof Map) return 'dict';
  if (v instanceof PyObject) return v.typeName;
  return 'object';
}

/** Python truthiness. */
export function truthy(v: Value): boolean {
  if (v === null || v === undefined || v instanceof Undefined) return false;
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'number':
      return v !== 0;
    case 'string':
      return v.length > 0;
  }
  if (v instanceof PyFloat) return v.value !== 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  if (v instanceof PyObject) return v.truthy();
  return true;
}

/** A dict key as the Map stores it: Python's 1 == 1.0 == True hash alike; floats are stored as numbers. */
export function dictKey(k: Value): Value {
  if (k instanceof PyFloat) return k.value;
  if (k === null || typeof k === 'string' || typeof k === 'number' || typeof k === 'boolean') return k;
  if (isTuple(k)) return k; // identity only; tuples as keys are rare in templates
  throw typeError(`unhashable type: '${typeName(k)}'`);
}

/** The items a for loop (or list()) sees: characters of a string, keys of a dict, nothing for Undefined. */
export function iterate(v: Value): Value[] {
  if (typeof v === 'string') return Array.from(v);
  if (Array.isArray(v)) return v.slice();
  if (v instanceof Map) return [...v.keys()];
  if (v instanceof Undefined) return [];
  if (v instanceof PyObject) {
    const items = v.iter();
    if (items) return items;
  }
  throw typeError(`'${typeName(v)}' object is not iterable`);
}

/** len(); an Undefined has length 0. */
export function length(v: Value): number {
  if (typeof v === 'string') return Array.from(v).length;
  if (Array.isArray(v)) return v.length;
  if (v instanceof Map) return v.size;
  if (v instanceof Undefined) return 0;
  if (v instanceof PyBytes) return v.data.length;
  if (v instanceof PyObject) {
    const items = v.iter();
    if (items) return items.length;
  }
  throw typeError(`object of type '${typeName(v)}' has no len()`);
}

/** Binds a Python-style call to parameter names; missing optional parameters come back as `undefined`. */
export function bind(fn: string, args: Value[], kwargs: Kwargs, names: string[], required = 0): (Value | undefined)[] {
  if (args.length > names.length) {
    throw typeError(`${fn}() takes at most ${names.length} argument${names.length === 1 ? '' : 's'} (${args.length} given)`);
  }
  const out: (Value | undefined)[] = names.map((_, i) => args[i]);
  for (const [key, value] of kwargs) {
    const at = names.indexOf(key);
    if (at < 0) throw typeError(`${fn}() got an unexpected keyword argument '${key}'`);
    if (at < args.length) throw typeError(`${fn}() got multiple values for argument '${key}'`);
    out[at] = value;
  }
  for (let i = 0; i < required; i++) {
    if (out[i] === undefined) throw typeError(`${fn}() missing required argument: '${names[i]}'`);
  }
  return out;
}

export const NO_KWARGS: Kwargs = new Map();

/** A lookup table for template-controlled names: no prototype, so only its own entries can be found. */
export function ownTable<T>(entries: Record<string, T>): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, entries);
}
