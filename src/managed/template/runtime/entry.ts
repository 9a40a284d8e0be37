/**
 * The sandbox side of the template engine: QuickJS loads this module (and the modules it imports) and the
 * worker calls `handle` with one JSON request per render. Everything a template can reach is in this folder;
 * nothing here imports the host or Node.
 *
 * Requests: `{op: 'render', template, mode, scope?, context?, release?}` (`context` loads or replaces that
 * scope; a render without `scope` uses `context` once; `release` lists scopes to drop first) and
 * `{op: 'release', scopes}`. Replies: `{value}` | `{ref: path}` (the result is the unchanged context value at
 * that path) | `{syntax: {message, line, column}}` | `{error: {type, message}}` | `{limit: 'memory', message}`
 * (the worker must be replaced).
 */
import { contextFromJson, toPlain } from './convert.js';
import { compile, render } from './environment.js';
import type { RenderMode } from './interpreter.js';
import { seedSecrets } from './modules/entropy.js';
import { forgetContext, originPath } from './origin.js';
import { PyError, TemplateSyntaxError, type Value } from './values.js';

interface RenderRequest {
  op: 'render';
  template: string;
  mode: RenderMode;
  scope?: number;
  context?: unknown;
  /** Most characters of reply JSON the host accepts. */
  maxOutput: number;
  /** Scopes released since the last request. */
  release?: number[];
}
type Request = RenderRequest | { op: 'release'; scopes: number[] };

interface Loaded {
  names: Map<string, Value>;
  /** Tag of this load in origin.ts. */
  tag: number;
}

const scopes = new Map<number, Loaded>();
let loads = 0;
const stringify = JSON.stringify;

export function handle(requestJson: string, entropyHex: string): string {
  seedSecrets(entropyHex);
  const request = JSON.parse(requestJson) as Request;
  if (request.op === 'release') {
    releaseScopes(request.scopes);
    return '{"value":null}';
  }
  if (request.release) releaseScopes(request.release);
  try {
    let loaded: Loaded | undefined;
    if (request.context !== undefined) {
      const previous = request.scope !== undefined ? scopes.get(request.scope) : undefined;
      if (previous) forgetContext(previous.tag);
      const tag = ++loads;
      loaded = { names: contextFromJson(request.context, tag), tag };
      if (request.scope !== undefined) scopes.set(request.scope, loaded);
    } else if (request.scope !== undefined) {
      loaded = scopes.get(request.scope);
    }
    if (!loaded) return stringify({ error: { type: 'InternalError', message: 'unknown scope' } });
    const mode: RenderMode = request.mode === 'native' ? 'native' : 'string';
    const program = compile(String(request.template), mode);
    const value = render(program, mode, loaded.names);
    if (request.scope === undefined) forgetContext(loaded.tag);
    if (typeof value === 'string' && value.length > request.maxOutput) return tooLarge(value.length);
    const path = mode === 'native' ? originPath(value, loaded.tag) : undefined;
    if (path) return stringify({ ref: path });
    const reply = `{"value":${mode === 'string' ? stringify(value) : stringify(toPlain(value))}}`;
    return reply.length > request.maxOutput ? tooLarge(reply.length) : reply;
  } catch (err) {
    return describe(err);
  }
}

function releaseScopes(ids: number[]): void {
  for (const id of ids) {
    const loaded = scopes.get(id);
    if (loaded) forgetContext(loaded.tag);
    scopes.delete(id);
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
