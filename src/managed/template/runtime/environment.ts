/**
 * The two environments of the original, as one engine: string mode (plain Environment) and native mode
 * (SandboxedEnvironment + NativeEnvironment + `as_is`). Both get the sandbox's rules here (no `_` attributes,
 * `range` capped, `import()` limited to the allow-list): the original leaves string mode unsandboxed, which
 * lets a template from the cloud run `import('os')`.
 */
import type { Stmt } from './ast.js';
import { AS_IS, FILTERS } from './filters.js';
import { GLOBALS } from './globals.js';
import { Interpreter, type Environment, type RenderMode } from './interpreter.js';
import { importModule } from './modules/index.js';
import { nativeConcat, nativeResult } from './native.js';
import { parse } from './parser.js';
import { pyStr } from './repr.js';
import { TESTS as TESTS_TABLE } from './tests.js';
import { PyFunction, UndefinedError, typeError, type Value } from './values.js';

const IMPORT = new PyFunction('import_module', (args, kwargs) => {
  if (args.length !== 1 || kwargs.size) throw typeError('import_module() takes exactly one argument');
  return importModule(args[0]);
});

function environment(mode: RenderMode): Environment {
  return {
    mode,
    filter: (name) => (Object.hasOwn(FILTERS, name) ? FILTERS[name] : mode === 'native' && name === 'as_is' ? AS_IS : undefined),
    test: (name) => (Object.hasOwn(TESTS_TABLE, name) ? TESTS_TABLE[name] : undefined),
    global: (name) => (name === 'import' ? IMPORT : Object.hasOwn(GLOBALS, name) ? GLOBALS[name] : undefined),
    concat: (pieces) => (mode === 'native' ? nativeConcat(pieces) : pieces.map(pyStr).join('')),
  };
}


const ENVIRONMENTS: Record<RenderMode, Environment> = { string: environment('string'), native: environment('native') };

/** Parsed templates by mode and text; a template from the cloud is rendered many times (every page, every item). */
const MAX_CACHED = 1000;
const cache = new Map<string, Stmt[]>();

export function compile(template: string, mode: RenderMode): Stmt[] {
  const key = `${mode}\u0000${template}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const env = ENVIRONMENTS[mode];
  const program = parse(template, { hasFilter: (n) => env.filter(n) !== undefined, hasTest: (n) => env.test(n) !== undefined });
  cache.set(key, program);
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value as string);
  return program;
}

/** Renders a compiled template: a string in string mode, the native value otherwise. */
export function render(program: Stmt[], mode: RenderMode, context: ReadonlyMap<string, Value>): Value {
  try {
    const pieces = new Interpreter(ENVIRONMENTS[mode], context).run(program);
    if (mode === 'string') return pieces.join('');
    return nativeResult(nativeConcat(pieces));
  } catch (err) {
    // the original's render_to_string / render_to_native: an UndefinedError gives '' / None for the whole template
    if (err instanceof UndefinedError) return mode === 'string' ? '' : null;
    throw err;
  }
}
