/**
 * The host's reading of what the runner returned (the entry shapes are in protocol.ts, WireEntry). This is the
 * boundary: everything here came from a runtime that snippets share, so it is checked, not trusted.
 * - The reply must have one well-formed result per item, or the whole reply counts as a failure.
 * - Values nested deeper than `maxDepth` fail their call: the host serialises payloads recursively, and one
 *   8,000-deep value would otherwise overflow the stack while its whole batch of 100 is sent.
 * - Errors are worded here. The one part a snippet wrote (what it threw) is quoted and escaped, so that a
 *   message cannot start a new log line, forge a summary or carry terminal control codes.
 */
import { MAX_LOGGED_TEXT, quoteForLog } from '../logText.js';
import type { OutputCaps } from './protocol.js';
import type { SandboxItem, SandboxItemResult, SandboxLimits, SnippetOutcome, SnippetSource } from './types.js';

export interface ReadContext {
  /** Snippets by `kind:name`, for the file:line of the line that threw. */
  snippets: ReadonlyMap<string, SnippetSource>;
  limits: SandboxLimits;
}

/** Body lines beyond this are not believed (a snippet can throw an error with a forged stack). */
const MAX_BODY_LINE = 1_000_000;

/** Room for what the runner always keeps whatever the caps: per record its structure, per entry a small fault. */
const REPLY_SLACK_PER_ITEM = 64;
const REPLY_SLACK_PER_ENTRY = 80;

/**
 * The runner keeps its results within the caps; this checks that it did, before the host parses anything (a
 * snippet shares the runner's globals, so the runner's word is not enough to protect the host's heap).
 */
export function withinCaps(json: string, items: SandboxItem[], caps: OutputCaps): boolean {
  let slack = 0;
  for (const item of items) slack += REPLY_SLACK_PER_ITEM + (item.calls.length + 1) * REPLY_SLACK_PER_ENTRY;
  const allowed = items.length === 1 ? Math.min(caps.perRecord, caps.perRun) : caps.perRun;
  return json.length <= allowed + slack;
}

/** The results of a reply, or undefined when the reply is not one well-formed result per item. */
export function readResults(json: string, items: SandboxItem[], ctx: ReadContext): SandboxItemResult[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== items.length) return undefined;
  for (let i = 0; i < parsed.length; i++) {
    const result = readItem(parsed[i], items[i], ctx);
    if (!result) return undefined;
    parsed[i] = result;
  }
  return parsed as SandboxItemResult[];
}

/** The filter verdicts every passing (or filtered) record shares: read-only, so one object serves them all. */
const PASSED = Object.freeze({ pass: true as const });
const FILTERED_OUT = Object.freeze({ pass: false as const });

function readItem(raw: unknown, item: SandboxItem, ctx: ReadContext): SandboxItemResult | undefined {
  // [filter, entry...]: filter null (the item has none), 1 passed, 0 filtered out, or an error entry (protocol.ts).
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  const verdict: unknown = raw[0];
  let ran = true;
  let filter: SandboxItemResult['filter'];
  if (item.filter) {
    if (verdict === 1) filter = PASSED;
    else if (verdict === 0) {
      filter = FILTERED_OUT;
      ran = false;
    } else {
      const error = isObject(verdict) ? errorOf(verdict, label('filter', item.filter), ctx.snippets.get(`filter:${item.filter}`), ctx.limits) : undefined;
      if (error === undefined) return undefined;
      filter = { error };
      ran = false;
    }
  } else if (verdict !== null) {
    return undefined;
  }
  if (raw.length - 1 !== (ran ? item.calls.length : 0)) return undefined;
  const values = new Array<SnippetOutcome>(raw.length - 1);
  for (let k = 0; k < values.length; k++) {
    const outcome = readEntry(raw[k + 1], item.calls[k].converter, ctx);
    if (!outcome) return undefined;
    values[k] = outcome;
  }
  return filter ? { filter, values } : { values };
}

function readEntry(raw: unknown, converter: string, ctx: ReadContext): SnippetOutcome | undefined {
  if (Array.isArray(raw)) {
    // [value]: the common case, a string or number, costs one typeof; only objects are walked (and at most maxDepth
    // deep). The runner refuses deep values already; this is the check that does not depend on the runner.
    // The converter's label is built only for an error: not twice per record (measured, issue 19).
    if (raw.length !== 1) return undefined;
    const value: unknown = raw[0];
    if (nestedDeeperThan(value, ctx.limits.maxDepth)) return { error: tooDeep(label('converter', converter), ctx.limits) };
    return { value };
  }
  if (!isObject(raw)) return undefined;
  const error = errorOf(raw, label('converter', converter), ctx.snippets.get(`converter:${converter}`), ctx.limits);
  return error === undefined ? undefined : { error };
}

/** Words an error entry, or undefined when it is not one. */
function errorOf(raw: Record<string, unknown>, name: string, snippet: SnippetSource | undefined, limits: SandboxLimits): string | undefined {
  const length = typeof raw.length === 'number' && Number.isSafeInteger(raw.length) ? raw.length : undefined;
  const threw = typeof raw.threw === 'string' ? quoteForLog(raw.threw, MAX_LOGGED_TEXT, length) : undefined;
  switch (raw.fault) {
    case undefined:
      return threw === undefined ? undefined : `${name}${where(snippet, raw.line)}: ${threw}`;
    case 'async':
      return `${name}: returned a Promise; snippets run synchronously (no await, no import())`;
    case 'unknown':
      return `unknown ${name}`;
    case 'depth':
      return tooDeep(name, limits);
    case 'json':
      return `${name}: the result cannot be sent as JSON (${threw ?? 'no reason given'})`;
    case 'record-limit': {
      const size = typeof raw.size === 'number' && Number.isSafeInteger(raw.size) ? `at least ${raw.size}` : 'too many';
      return `${name}: its result is too large (${size} characters of JSON; a record's converter results may take ` +
        `${limits.maxOutputPerRecord} in all, setting max_converter_output)`;
    }
    case 'run-limit':
      return `${name}: its result was not kept: the converter results of this chunk of records reached ` +
        `${limits.maxOutputPerRun} characters of JSON (setting max_converter_chunk_output)`;
    default:
      return undefined;
  }
}

function tooDeep(name: string, limits: SandboxLimits): string {
  return `${name}: its result is nested deeper than ${limits.maxDepth} levels of arrays and objects`;
}

function where(snippet: SnippetSource | undefined, line: unknown): string {
  if (typeof line !== 'number' || !Number.isInteger(line) || line < 1 || line > MAX_BODY_LINE) return '';
  return snippet?.file && snippet.line ? ` (${snippet.file}:${snippet.line + line - 1})` : ` (line ${line} of the snippet)`;
}

function label(kind: 'filter' | 'converter', name: string): string {
  return `${kind} "${name}"`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** True when `v` has more than `levels` levels of arrays and objects; never recurses deeper than that. */
export function nestedDeeperThan(v: unknown, levels: number): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (levels === 0) return true;
  const children = Array.isArray(v) ? v : Object.values(v as object);
  for (const child of children) {
    if (child !== null && typeof child === 'object' && nestedDeeperThan(child, levels - 1)) return true;
  }
  return false;
}
