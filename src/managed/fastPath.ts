/**
 * Attribute mappings that are only a path (`serial`, `profile.email`, `{{ os['version'] }}`, `items.0.name`) are
 * evaluated here, in the host, with the same result the template engine gives in native mode: one sandbox round trip
 * per record and field is most of a managed run's CPU (bench/managed.ts). Anything this module is not sure about
 * (a name that is a Jinja global or keyword, a dict method name such as `items`, an attribute of a string or a list,
 * a key starting with `_`) returns FALLBACK, and the engine renders the template. The final value is read the native
 * way: a string goes through the engine's own port of `ast.literal_eval` ("42" → 42, "0042" stays a string).
 * test/managed/runner/fastPath.test.ts checks it against the engine.
 */
import { NOT_LITERAL, literalEval } from './template/runtime/literalEval.js';
import { toPlain } from './template/runtime/convert.js';

export const FALLBACK: unique symbol = Symbol('render with the engine');

type Step = { kind: 'name'; key: string } | { kind: 'index'; index: number };

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Jinja globals and keywords: `{{ range }}` is a function when the record has no `range`, `none` is None, ... */
const SPECIAL_NAMES = new Set([
  'range', 'dict', 'lipsum', 'cycler', 'joiner', 'namespace', 'import', 'loop', 'self', 'caller', 'varargs', 'kwargs',
  'true', 'false', 'none', 'True', 'False', 'None', 'not', 'and', 'or', 'in', 'is', 'if', 'else', 'for', 'recursive',
]);
/** Attribute lookup finds these methods on a dict before its keys. */
const DICT_METHODS = new Set(['items', 'keys', 'values', 'get', 'pop', 'popitem', 'update', 'copy', 'clear', 'setdefault', 'fromkeys']);

/** The steps of a template that is one path expression, or undefined. */
export function parsePath(template: string): Step[] | undefined {
  const m = /^\{\{\s*([^{}]*?)\s*\}\}$/.exec(template);
  if (!m) return undefined;
  const src = m[1];
  const first = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src);
  if (!first || SPECIAL_NAMES.has(first[0])) return undefined;
  const steps: Step[] = [{ kind: 'name', key: first[0] }];
  let i = first[0].length;
  while (i < src.length) {
    const rest = src.slice(i);
    let s: RegExpExecArray | null;
    if ((s = /^\.([A-Za-z_][A-Za-z0-9_]*)/.exec(rest))) {
      if (SPECIAL_NAMES.has(s[1])) return undefined;
      steps.push({ kind: 'name', key: s[1] });
    } else if ((s = /^\.(\d+)(?![\d.A-Za-z_])/.exec(rest))) {
      steps.push({ kind: 'index', index: Number(s[1]) });
    } else if ((s = /^\[\s*'([^'\\]*)'\s*\]/.exec(rest)) || (s = /^\[\s*"([^"\\]*)"\s*\]/.exec(rest))) {
      steps.push({ kind: 'name', key: `[${s[1]}` }); // '[' marks an item lookup (key first)
    } else if ((s = /^\[\s*(\d+)\s*\]/.exec(rest))) {
      steps.push({ kind: 'index', index: Number(s[1]) });
    } else {
      return undefined;
    }
    i += s[0].length;
  }
  return steps;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The native result of the path over `context` (the escaped record), or FALLBACK. */
export function evaluatePath(steps: Step[], context: Record<string, unknown>): unknown {
  const head = steps[0] as { kind: 'name'; key: string };
  if (head.key.startsWith('_') && !Object.hasOwn(context, head.key)) return FALLBACK;
  let v: unknown = Object.hasOwn(context, head.key) ? context[head.key] : undefined;
  for (const step of steps.slice(1)) {
    if (v === undefined || v === null) {
      // An attribute of Undefined or None is Undefined in native mode (None's own attributes start with "_").
      if (step.kind === 'name' && (step.key.startsWith('_') || step.key.startsWith('[_'))) return FALLBACK;
      v = undefined;
      continue;
    }
    if (step.kind === 'index') {
      if (!Array.isArray(v)) return FALLBACK;
      v = step.index < v.length ? v[step.index] : undefined;
      continue;
    }
    const item = step.key.startsWith('[');
    const key = item ? step.key.slice(1) : step.key;
    if (!isObject(v) || key.startsWith('_')) return FALLBACK;
    if (Object.hasOwn(v, key)) {
      // Attribute first: a dict method name finds the method, not the key.
      if (!item && DICT_METHODS.has(key)) return FALLBACK;
      v = v[key];
    } else {
      if (DICT_METHODS.has(key)) return FALLBACK;
      v = undefined;
    }
  }
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') {
    const parsed = literalEval(v);
    return parsed === NOT_LITERAL ? v : toPlain(parsed);
  }
  if (typeof v === 'number' && !Number.isFinite(v)) return FALLBACK;
  return v;
}
