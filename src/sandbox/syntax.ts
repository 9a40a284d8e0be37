/**
 * Compile-only check of a snippet, run in the host when the config loads so that a typo is a config error
 * with a line number instead of a failure on every record.
 *
 * `vm.compileFunction` parses the text as a function body exactly like `Function` does, so a body that closes
 * the function early (`}); doSomething(); (function(){`) is rejected; a source-text wrapper such as
 * `'(function(...) {\n' + code + '\n})'` would accept it. Compiling never runs the code.
 */
import vm from 'node:vm';
import { escapeForLog, quoteForLog } from '../logText.js';
import type { SnippetSource } from './types.js';

const CONVERTER_PARAMS = ['record', 'value', 'field', 'params'];
const FILTER_PARAMS = ['record'];
/** Lines that only make sense in Python, the language of the original connector's snippets. */
const PYTHON_HINTS = /^\s*(def|elif|except|from\s+\S+\s+import|import\s+\w+\s*$)|:\s*$|\b(is not|not in|is None)\b/m;

/** Returns `file:line: SyntaxError: ... in "offending line"`, or undefined when the snippet compiles. */
export function checkSnippetSyntax(s: SnippetSource): string | undefined {
  const params = s.kind === 'filter' ? FILTER_PARAMS : CONVERTER_PARAMS;
  const firstLine = s.line ?? 1;
  try {
    vm.compileFunction(s.code, params, { filename: s.file ?? 'snippet', lineOffset: firstLine - 1 });
    return undefined;
  } catch (err) {
    // Checked by name: under a test runner's vm context the error comes from another realm's SyntaxError.
    if (!isSyntaxError(err)) return escapeForLog(String(err));
    const line = errorLine(err, firstLine);
    const where = s.file ? `${s.file}:${line}` : `line ${line}`;
    const text = s.code.split('\n')[line - firstLine]?.trim();
    const hint = PYTHON_HINTS.test(s.code) ? ' (snippets are JavaScript function bodies now, not Python)' : '';
    // The snippet's own text is quoted and escaped: it may come from a remote service, and this reaches the log.
    return `${where}: ${err.name}: ${escapeForLog(err.message)}${text ? ` in ${quoteForLog(text)}` : ''}${hint}`;
  }
}

function isSyntaxError(err: unknown): err is SyntaxError {
  return typeof err === 'object' && err !== null && (err as Error).name === 'SyntaxError';
}

/** V8 puts `filename:line` on the first line of a SyntaxError's stack. */
function errorLine(err: SyntaxError, fallback: number): number {
  const m = /^.*:(\d+)\s*$/m.exec(err.stack?.split('\n')[0] ?? '');
  return m ? Number(m[1]) : fallback;
}
