/** Python's list, tuple, dict, bytes and number methods, plus the dict views that `.items()` etc. return. */
import { equals, order } from './operators.js';
import { pyRepr } from './repr.js';
import { decodeBytes } from './utf8.js';
import {
  PyBytes, PyError, PyFloat, PyFunction, PyObject, bind, dictKey, float, isInt, iterate, truthy, tuple, typeError,
  typeName, valueError, type Kwargs, type Value,
} from './values.js';

type Method<T> = (self: T, args: Value[], kwargs: Kwargs) => Value;

function table<T>(methods: Record<string, Method<T>>): Record<string, Method<T>> {
  return Object.assign(Object.create(null) as Record<string, Method<T>>, methods);
}

/** A live view of a dict (`d.items()`, `d.keys()`, `d.values()`). */
export class DictView extends PyObject {
  readonly typeName: string;
  constructor(private readonly map: Map<Value, Value>, private readonly kind: 'items' | 'keys' | 'values') {
    super();
    this.typeName = `dict_${kind}`;
  }
  iter(): Value[] {
    if (this.kind === 'keys') return [...this.map.keys()];
    if (this.kind === 'values') return [...this.map.values()];
    return [...this.map].map(([k, v]) => tuple([k, v]));
  }
  truthy(): boolean {
    return this.map.size > 0;
  }
  repr(): string {
    return `${this.typeName}(${pyRepr(this.iter())})`;
  }
  toData(): unknown {
    return this.iter();
  }
}

function index(i: Value, n: number, fn: string): number {
  if (!isInt(i)) throw typeError(`'${typeName(i)}' object cannot be interpreted as an integer`);
  const at = Number(i) < 0 ? Number(i) + n : Number(i);
  if (at < 0 || at >= n) throw new PyError('IndexError', `${fn} index out of range`);
  return at;
}

function sortList(list: Value[], key: Value | undefined, reverse: boolean): void {
  let keyOf: (v: Value) => Value = (v) => v;
  if (key !== undefined && key !== null) {
    if (!(key instanceof PyFunction)) throw typeError(`'${typeName(key)}' object is not callable`);
    keyOf = (v) => key.call([v], new Map());
  }
  const decorated = list.map((v) => [keyOf(v), v] as const);
  decorated.sort((a, b) => order(a[0], b[0]));
  if (reverse) decorated.reverse();
  list.splice(0, list.length, ...decorated.map((d) => d[1]));
}

const SEQUENCE = {
  index: (self: Value[], a: Value[], k: Kwargs) => {
    const [x] = bind('index', a, k, ['value', 'start', 'stop'], 1);
    const at = self.findIndex((v) => equals(v, x));
    if (at < 0) throw valueError(`${pyRepr(x)} is not in list`);
    return at;
  },
  count: (self: Value[], a: Value[], k: Kwargs) => {
    const [x] = bind('count', a, k, ['value'], 1);
    return self.filter((v) => equals(v, x)).length;
  },
};

export const TUPLE_METHODS = table<Value[]>(SEQUENCE);

export const LIST_METHODS = table<Value[]>({
  ...SEQUENCE,
  append: (self, a, k) => {
    self.push(bind('append', a, k, ['object'], 1)[0]);
    return null;
  },
  extend: (self, a, k) => {
    self.push(...iterate(bind('extend', a, k, ['iterable'], 1)[0]));
    return null;
  },
  insert: (self, a, k) => {
    const [i, x] = bind('insert', a, k, ['index', 'object'], 2);
    if (!isInt(i)) throw typeError(`'${typeName(i)}' object cannot be interpreted as an integer`);
    const n = Number(i);
    self.splice(n < 0 ? Math.max(0, self.length + n) : Math.min(n, self.length), 0, x);
    return null;
  },
  pop: (self, a, k) => {
    const [i] = bind('pop', a, k, ['index']);
    if (self.length === 0) throw new PyError('IndexError', 'pop from empty list');
    const at = index(i ?? -1, self.length, 'pop');
    return self.splice(at, 1)[0];
  },
  remove: (self, a, k) => {
    const [x] = bind('remove', a, k, ['value'], 1);
    const at = self.findIndex((v) => equals(v, x));
    if (at < 0) throw valueError('list.remove(x): x not in list');
    self.splice(at, 1);
    return null;
  },
  reverse: (self) => {
    self.reverse();
    return null;
  },
  sort: (self, a, k) => {
    if (a.length) throw typeError('sort() takes no positional arguments');
    const [key, reverse] = bind('sort', [], k, ['key', 'reverse']);
    sortList(self, key, truthy(reverse ?? false));
    return null;
  },
  copy: (self) => self.slice(),
  clear: (self) => {
    self.length = 0;
    return null;
  },
});

function keyOf(k: Value): Value {
  return dictKey(k);
}

export const DICT_METHODS = table<Map<Value, Value>>({
  get: (self, a, k) => {
    const [key, fallback] = bind('get', a, k, ['key', 'default'], 1);
    const dk = keyOf(key);
    return self.has(dk) ? self.get(dk) : fallback === undefined ? null : fallback;
  },
  items: (self) => new DictView(self, 'items'),
  keys: (self) => new DictView(self, 'keys'),
  values: (self) => new DictView(self, 'values'),
  pop: (self, a, k) => {
    const [key, fallback] = bind('pop', a, k, ['key', 'default'], 1);
    const dk = keyOf(key);
    if (self.has(dk)) {
      const v = self.get(dk);
      self.delete(dk);
      return v;
    }
    if (fallback !== undefined) return fallback;
    throw new PyError('KeyError', pyRepr(key));
  },
  popitem: (self) => {
    const last = [...self].pop();
    if (!last) throw new PyError('KeyError', "'popitem(): dictionary is empty'");
    self.delete(last[0]);
    return tuple([last[0], last[1]]);
  },
  setdefault: (self, a, k) => {
    const [key, fallback] = bind('setdefault', a, k, ['key', 'default'], 1);
    const dk = keyOf(key);
    if (!self.has(dk)) self.set(dk, fallback === undefined ? null : fallback);
    return self.get(dk);
  },
  update: (self, a, k) => {
    if (a.length > 1) throw typeError(`update expected at most 1 argument, got ${a.length}`);
    if (a.length === 1) {
      const other = a[0];
      if (other instanceof Map) for (const [key, v] of other) self.set(key, v);
      else for (const pair of iterate(other)) {
        const kv = iterate(pair);
        if (kv.length !== 2) throw valueError(`dictionary update sequence element has length ${kv.length}; 2 is required`);
        self.set(keyOf(kv[0]), kv[1]);
      }
    }
    for (const [key, v] of k) self.set(key, v);
    return null;
  },
  copy: (self) => new Map(self),
  clear: (self) => {
    self.clear();
    return null;
  },
});

export const BYTES_METHODS = table<PyBytes>({
  decode: (self, a, k) => {
    const [encoding, errors] = bind('decode', a, k, ['encoding', 'errors']);
    return decodeBytes(self.data, encoding === undefined ? 'utf-8' : String(encoding), errors === undefined ? 'strict' : String(errors));
  },
  hex: (self, a, k) => {
    const [sep] = bind('hex', a, k, ['sep', 'bytes_per_sep']);
    const parts = Array.from(self.data, (b) => b.toString(16).padStart(2, '0'));
    return parts.join(typeof sep === 'string' ? sep : '');
  },
  startswith: (self, a, k) => {
    const [p] = bind('startswith', a, k, ['prefix'], 1);
    if (!(p instanceof PyBytes)) throw typeError(`startswith first arg must be bytes or a tuple of bytes, not ${typeName(p)}`);
    return p.data.every((b, i) => self.data[i] === b);
  },
  endswith: (self, a, k) => {
    const [p] = bind('endswith', a, k, ['suffix'], 1);
    if (!(p instanceof PyBytes)) throw typeError(`endswith first arg must be bytes or a tuple of bytes, not ${typeName(p)}`);
    const off = self.data.length - p.data.length;
    return off >= 0 && p.data.every((b, i) => self.data[off + i] === b);
  },
});

/** Attributes of int, bool and float values (`x.real`, `(2.0).is_integer()`). */
export function numberAttr(v: number | boolean | PyFloat, name: string): Value | undefined {
  const n = v instanceof PyFloat ? v.value : Number(v);
  const isF = v instanceof PyFloat || (typeof v === 'number' && !Number.isInteger(v));
  switch (name) {
    case 'real':
      return isF ? float(n) : n;
    case 'imag':
      return isF ? float(0) : 0;
    case 'is_integer':
      return isF ? new PyFunction('is_integer', () => Number.isInteger(n), 'float') : undefined;
    case 'bit_length':
      return isF ? undefined : new PyFunction('bit_length', () => (n === 0 ? 0 : Math.floor(Math.log2(Math.abs(n))) + 1), 'int');
    case 'numerator':
      return isF ? undefined : n;
    case 'denominator':
      return isF ? undefined : 1;
    case 'conjugate':
      return new PyFunction('conjugate', () => (isF ? float(n) : n), isF ? 'float' : 'int');
  }
  return undefined;
}

