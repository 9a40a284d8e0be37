/**
 * Templates whose Jinja result is known without the sandbox, because they are only text and plain variable
 * lookups (`{{ inputs.base_url }}/devices/{{ list_response_item['id'] }}`, most URLs and headers): every lookup
 * must find an own key of a JSON object, the values printed must be strings, safe integers, booleans or null
 * (Python's str() of them is plain), and nothing else may be in the template. Anything else (filters, floats,
 * lists, a missing key whose Undefined rules differ by mode, dict method names such as `x.items`, which Jinja
 * resolves to the method, header maps, which are case-insensitive) goes to the engine. This saves a round trip
 * to the sandbox worker per item and per call.
 */
import { isDict } from './python.js';
import type { Context } from './context.js';

const PATH = String.raw`[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*|\[\s*'[^'\\{}]*'\s*\]|\[\s*"[^"\\{}]*"\s*\])*`;
const EXPRESSION = new RegExp(String.raw`\{\{ *(${PATH}) *\}\}`, 'g');
const SEGMENT = /\.([A-Za-z][A-Za-z0-9_]*)|\[\s*'([^']*)'\s*\]|\[\s*"([^"]*)"\s*\]/g;
/** Attributes of a Python dict: `d.items` is the method even when the dict has an `items` key. */
const DICT_ATTRIBUTES = new Set(['clear', 'copy', 'fromkeys', 'get', 'items', 'keys', 'pop', 'popitem', 'setdefault', 'update', 'values']);
/** No other Jinja syntax, no \r (Jinja normalises newlines). */
const PLAIN = /^(?![\s\S]*\{[{%#])[^\r]*$/;

interface Path {
  root: string;
  steps: Array<{ key: string; dotted: boolean }>;
}

/** A path like `a.b['c']` split once; null when the engine must always decide (a `*response_headers` map). */
function parsePath(path: string): Path | null {
  const root = /^[A-Za-z][A-Za-z0-9_]*/.exec(path)![0];
  if (root.endsWith('response_headers')) return null;
  const steps = [...path.slice(root.length).matchAll(SEGMENT)].map((m) => ({ key: m[1] ?? m[2] ?? m[3], dotted: m[1] !== undefined }));
  return { root, steps };
}

/** The value at a parsed path, or undefined when the engine must decide. */
function lookup(path: Path, context: Context): { value: unknown } | undefined {
  if (!Object.hasOwn(context, path.root)) return undefined;
  let at: unknown = context[path.root];
  for (const { key, dotted } of path.steps) {
    if (!isDict(at) || !Object.hasOwn(at, key) || (dotted && DICT_ATTRIBUTES.has(key))) return undefined;
    at = at[key];
  }
  return at === undefined ? undefined : { value: at };
}

/**
 * A string-mode template cut once into its texts and paths (texts.length = paths.length + 1), or null when its
 * text alone sends it to the engine. Keyed by the template's text: a run renders the same few templates per item.
 */
type StringParts = { texts: string[]; paths: Path[] } | null;
const stringParts = new Map<string, StringParts>();
const nativePaths = new Map<string, Path | null>();
const MAX_CACHED = 2000;

function cached<V>(cache: Map<string, V>, template: string, parse: (t: string) => V): V {
  let v = cache.get(template);
  if (v === undefined && !cache.has(template)) {
    // A daemon sees the templates of every integration it ever ran: keep the cache bounded.
    if (cache.size >= MAX_CACHED) cache.clear();
    v = parse(template);
    cache.set(template, v);
  }
  return v as V;
}

function parseString(template: string): StringParts {
  const texts: string[] = [];
  const paths: Path[] = [];
  let last = 0;
  for (const m of template.matchAll(EXPRESSION)) {
    const text = template.slice(last, m.index);
    if (!PLAIN.test(text) || text.endsWith('{')) return null;
    const path = parsePath(m[1]);
    if (!path) return null;
    texts.push(text);
    paths.push(path);
    last = m.index! + m[0].length;
  }
  const tail = template.slice(last);
  if (!PLAIN.test(tail) || (last > 0 && tail.startsWith('}'))) return null;
  texts.push(tail);
  return { texts, paths };
}

const NATIVE = new RegExp(String.raw`^\{\{ *(${PATH}) *\}\}$`);

function parseNative(template: string): Path | null {
  const m = NATIVE.exec(template);
  return m ? parsePath(m[1]) : null;
}

function printable(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Number.isSafeInteger(value)) return String(value);
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (value === null) return 'None';
  return undefined;
}

/** String mode: the text, or undefined when the engine must render it. */
export function knownString(template: string, context: Context): string | undefined {
  const parts = cached(stringParts, template, parseString);
  if (!parts) return undefined;
  let out = parts.texts[0];
  for (let i = 0; i < parts.paths.length; i++) {
    const found = lookup(parts.paths[i], context);
    const printed = found && printable(found.value);
    if (printed === undefined) return undefined;
    out += printed + parts.texts[i + 1];
  }
  return out.replace(/\n$/, '');
}

/** Native mode: `{{ path }}` alone whose value is not a string (returned untouched); else undefined. */
export function knownNative(template: string, context: Context): { value: unknown } | undefined {
  const path = cached(nativePaths, template, parseNative);
  const found = path ? lookup(path, context) : undefined;
  return found && typeof found.value !== 'string' ? found : undefined;
}
