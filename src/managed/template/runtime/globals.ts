/** Jinja's default globals: range (the sandbox's, at most MAX_RANGE items), dict, namespace, cycler, joiner, lipsum. */
import { pyRepr } from './repr.js';
import {
  Namespace, PyError, PyFunction, PyObject, bind, isInt, iterate, truthy, typeError, typeName, type Value, ownTable,
} from './values.js';

/** jinja2.sandbox.MAX_RANGE: `range(10**9)` fails at once instead of running until the time limit. */
export const MAX_RANGE = 100_000;

export class PyRange extends PyObject {
  readonly typeName = 'range';
  constructor(readonly start: number, readonly stop: number, readonly step: number) {
    super();
  }
  get size(): number {
    const n = Math.ceil((this.stop - this.start) / this.step);
    return Math.max(0, n);
  }
  iter(): Value[] {
    const out: number[] = [];
    for (let i = 0; i < this.size; i++) out.push(this.start + i * this.step);
    return out;
  }
  truthy(): boolean {
    return this.size > 0;
  }
  item(key: Value): Value | undefined {
    if (!isInt(key)) return undefined;
    const i = Number(key) < 0 ? Number(key) + this.size : Number(key);
    return i >= 0 && i < this.size ? this.start + i * this.step : undefined;
  }
  repr(): string {
    return this.step === 1 ? `range(${this.start}, ${this.stop})` : `range(${this.start}, ${this.stop}, ${this.step})`;
  }
  toData(): unknown {
    return this.iter();
  }
}

function integer(v: Value): number {
  if (!isInt(v)) throw typeError(`'${typeName(v)}' object cannot be interpreted as an integer`);
  return Number(v);
}

const range = new PyFunction('range', (args) => {
  if (args.length === 0 || args.length > 3) throw typeError(`range expected at least 1 argument, got ${args.length}`);
  const [a, b, c] = args.map(integer);
  const r = args.length === 1 ? new PyRange(0, a, 1) : new PyRange(a, b, args.length === 3 ? c : 1);
  if (r.step === 0) throw new PyError('ValueError', 'range() arg 3 must not be zero');
  if (r.size > MAX_RANGE) {
    throw new PyError('OverflowError', `Range too big. The sandbox blocks ranges larger than MAX_RANGE (${MAX_RANGE}).`);
  }
  return r;
});

const dict = new PyFunction('dict', (args, kwargs) => {
  const out = new Map<Value, Value>();
  if (args.length > 1) throw typeError(`dict expected at most 1 argument, got ${args.length}`);
  if (args.length === 1) {
    const src = args[0];
    if (src instanceof Map) for (const [k, v] of src) out.set(k, v);
    else for (const pair of iterate(src)) {
      const kv = iterate(pair);
      if (kv.length !== 2) throw new PyError('ValueError', `dictionary update sequence element has length ${kv.length}; 2 is required`);
      out.set(kv[0], kv[1]);
    }
  }
  for (const [k, v] of kwargs) out.set(k, v);
  return out;
});

class NamespaceObject extends Namespace {
  repr(): string {
    return `<Namespace ${pyRepr(new Map(this.attrs))}>`;
  }
}

const namespace = new PyFunction('namespace', (args, kwargs) => {
  const ns = new NamespaceObject();
  if (args.length > 1) throw typeError(`namespace expected at most 1 argument, got ${args.length}`);
  if (args.length === 1) {
    const src = args[0];
    if (src instanceof Map) for (const [k, v] of src) ns.attrs.set(String(k), v);
    else for (const pair of iterate(src)) {
      const kv = iterate(pair);
      ns.attrs.set(String(kv[0]), kv[1]);
    }
  }
  for (const [k, v] of kwargs) ns.attrs.set(k, v);
  return ns;
});

class Cycler extends PyObject {
  readonly typeName = 'Cycler';
  private pos = 0;
  constructor(private readonly items: Value[]) {
    super();
  }
  attr(name: string): Value | undefined {
    if (name === 'current') return this.items[this.pos];
    if (name === 'next') return new PyFunction('next', () => {
      const v = this.items[this.pos];
      this.pos = (this.pos + 1) % this.items.length;
      return v;
    });
    if (name === 'reset') return new PyFunction('reset', () => {
      this.pos = 0;
      return null;
    });
    return undefined;
  }
}

const cycler = new PyFunction('cycler', (args) => {
  if (args.length === 0) throw typeError('at least one item has to be provided');
  return new Cycler(args);
});

const joiner = new PyFunction('joiner', (args, kwargs) => {
  const [sep] = bind('joiner', args, kwargs, ['sep']);
  let used = false;
  const text = sep === undefined ? ', ' : String(sep);
  return new PyFunction('joiner', () => {
    if (!used) {
      used = true;
      return '';
    }
    return text;
  });
});

const LOREM = 'a ac accumsan ad adipiscing aenean aliquam aliquet amet ante aptent arcu at auctor augue bibendum blandit class commodo condimentum congue consectetuer consequat conubia convallis cras cubilia cum curabitur curae cursus dapibus diam dictum dictumst dignissim dis dolor donec dui duis egestas eget eleifend elementum elit enim erat eros est et etiam eu euismod facilisi facilisis fames faucibus felis fermentum feugiat fringilla fusce gravida habitant habitasse hac hendrerit hymenaeos iaculis id imperdiet in inceptos integer interdum ipsum justo lacinia lacus laoreet lectus leo libero ligula litora lobortis lorem luctus maecenas magna magnis malesuada massa mattis mauris metus mi molestie mollis montes morbi mus nam nascetur natoque nec neque netus nibh nisi nisl non nonummy nostra nulla nullam nunc odio orci ornare parturient pede pellentesque penatibus per pharetra phasellus placerat platea porta porttitor posuere potenti praesent pretium primis proin pulvinar purus quam quis quisque rhoncus ridiculus risus rutrum sagittis sapien scelerisque sed sem semper senectus sit sociis sociosqu sodales sollicitudin suscipit suspendisse taciti tellus tempor tempus tincidunt torquent tortor tristique turpis ullamcorper ultrices ultricies urna ut varius vehicula vel velit venenatis vestibulum vitae vivamus viverra volutpat vulputate'.split(' ');

/** lipsum(): random text as Jinja makes it (the words differ run to run, as in Python). */
const lipsum = new PyFunction('lipsum', (args, kwargs) => {
  const [n, html, min, max] = bind('lipsum', args, kwargs, ['n', 'html', 'min', 'max']);
  const count = n === undefined ? 5 : integer(n);
  const lo = min === undefined ? 20 : integer(min);
  const hi = max === undefined ? 100 : integer(max);
  const paragraphs: string[] = [];
  for (let p = 0; p < count; p++) {
    const words: string[] = [];
    const total = lo + Math.floor(Math.random() * (hi - lo + 1));
    for (let i = 0; i < total; i++) words.push(LOREM[Math.floor(Math.random() * LOREM.length)]);
    let text = words.join(' ');
    text = `${text[0].toUpperCase()}${text.slice(1)}.`;
    paragraphs.push(truthy(html ?? true) ? `<p>${text}</p>` : text);
  }
  return paragraphs.join(truthy(html ?? true) ? '\n' : '\n\n');
});

export const GLOBALS: Record<string, Value> = ownTable<Value>({
  range, dict, namespace, cycler, joiner, lipsum,
});

