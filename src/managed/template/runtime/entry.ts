/**
 * The sandbox side of the template engine: QuickJS loads this module (and the modules it imports) and the
 * worker calls `handle` with one JSON request per render. Everything a template can reach is in this folder;
 * nothing here imports the host or Node.
 *
 * Requests: `{op: 'render', template, mode, scope?, context?}` (`context` loads or replaces that scope; a render
 * without `scope` uses `context` once) and `{op: 'release', scope}`. Replies: `{value}` | `{syntax: {message,
 * line, column}}` | `{error: {type, message}}` | `{limit: 'memory', message}` (the worker must be replaced).
 */
import { contextFromJson, toPlain } from './convert.js';
import { compile, render } from './environment.js';
import type { RenderMode } from './interpreter.js';
import { seedSecrets } from './modules/entropy.js';
import { PyError, TemplateSyntaxError, type Value } from './values.js';

interface RenderRequest {
  op: 'render';
  template: string;
  mode: RenderMode;
  scope?: number;
  context?: unknown;
  /** Most characters of reply JSON the host accepts. */
  maxOutput: number;
}
type Request = RenderRequest | { op: 'release'; scope: number };

const scopes = new Map<number, Map<string, Value>>();
const stringify = JSON.stringify;

export function handle(requestJson: string, entropyHex: string): string {
  seedSecrets(entropyHex);
  const request = JSON.parse(requestJson) as Request;
  if (request.op === 'release') {
    scopes.delete(request.scope);
    return '{"value":null}';
  }
  try {
    let context: Map<string, Value> | undefined;
    if (request.context !== undefined) {
      context = contextFromJson(request.context);
      if (request.scope !== undefined) scopes.set(request.scope, context);
    } else if (request.scope !== undefined) {
      context = scopes.get(request.scope);
    }
    if (!context) return stringify({ error: { type: 'InternalError', message: 'unknown scope' } });
    const mode: RenderMode = request.mode === 'native' ? 'native' : 'string';
    const program = compile(String(request.template), mode);
    const value = render(program, mode, context);
    if (typeof value === 'string' && value.length > request.maxOutput) return tooLarge(value.length);
    const reply = `{"value":${mode === 'string' ? stringify(value) : stringify(toPlain(value))}}`;
    return reply.length > request.maxOutput ? tooLarge(reply.length) : reply;
  } catch (err) {
    return describe(err);
  }
}

function tooLarge(size: number): string {
  return stringify({ error: { type: 'MemoryError', message: `the result (${size} characters) is larger than the engine returns` } });
}

function describe(err: unknown): string {
  if (err instanceof TemplateSyntaxError) return stringify({ syntax: { message: err.message, line: err.line, column: err.column } });
  if (err instanceof PyError) return stringify({ error: { type: err.type, message: err.message } });
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  if (/out of memory|stack overflow|too much recursion|Maximum call stack/i.test(message)) return stringify({ limit: 'memory', message });
  if (err instanceof RangeError && /string length|array length/i.test(message)) return stringify({ limit: 'memory', message });
  return stringify({ error: { type: 'InternalError', message } });
}
