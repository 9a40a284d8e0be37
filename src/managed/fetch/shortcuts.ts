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

/** The value at a path like `a.b['c']`, or undefined when the engine must decide. */
function lookup(path: string, context: Context): { value: unknown } | undefined {
  const root = /^[A-Za-z][A-Za-z0-9_]*/.exec(path)![0];
  if (root.endsWith('response_headers') || !Object.hasOwn(context, root)) return undefined;
  let at: unknown = context[root];
  for (const m of path.slice(root.length).matchAll(SEGMENT)) {
    const dotted = m[1];
    const key = dotted ?? m[2] ?? m[3];
    if (!isDict(at) || !Object.hasOwn(at, key) || (dotted !== undefined && DICT_ATTRIBUTES.has(key))) return undefined;
    at = at[key];
  }
  return at === undefined ? undefined : { value: at };
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
  let out = '';
  let last = 0;
  for (const m of template.matchAll(EXPRESSION)) {
    const text = template.slice(last, m.index);
    if (!PLAIN.test(text) || text.endsWith('{')) return undefined;
    const found = lookup(m[1], context);
    const printed = found && printable(found.value);
    if (printed === undefined) return undefined;
    out += text + printed;
    last = m.index! + m[0].length;
  }
  const tail = template.slice(last);
  if (!PLAIN.test(tail) || (last > 0 && tail.startsWith('}'))) return undefined;
  return (out + tail).replace(/\n$/, '');
}

/** Native mode: `{{ path }}` alone whose value is not a string (returned untouched); else undefined. */
export function knownNative(template: string, context: Context): { value: unknown } | undefined {
  const m = new RegExp(String.raw`^\{\{ *(${PATH}) *\}\}$`).exec(template);
  if (!m) return undefined;
  const found = lookup(m[1], context);
  return found && typeof found.value !== 'string' ? found : undefined;
}
