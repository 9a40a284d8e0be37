/**
 * Which fields of a record the snippets of one sandbox can read, so that only those cross into QuickJS (parsing
 * and rebuilding the record is most of a batch's cost there; a converter such as `return value === "x" ? ...`
 * reads no field at all). The analysis is deliberately crude and errs towards "all fields":
 *
 * Inside a snippet the record is reachable only through the parameter named `record` (or `arguments`, or a
 * direct `eval`, which could name it). So the raw text is scanned for every occurrence of the word `record`,
 * strings and comments included (an occurrence there only adds a name or gives up), and each one must be
 * `record.name`, `record?.name`, `record["name"]` or `record.get("path", ...)`; any other use (`Object.keys(record)`,
 * `JSON.stringify(record)`, passing it on, `record[x]`, `record.get(x)`), the words `arguments` or `eval`, or a
 * backslash-u escape (an identifier can be spelled `rec\u006frd`) means every field is sent, as before.
 * A field that is not sent is one no snippet can observe: the record a snippet sees differs only in fields it
 * cannot name.
 */
import type { SnippetSource } from './types.js';

const WORD = /(?<![\w$])record(?![\w$])/g;
const IDENT = String.raw`[A-Za-z_$][\w$]*`;
/** A quoted text without escapes or line breaks (anything fancier gives up). */
const LITERAL = String.raw`(?:"([^"\\\n\r]*)"|'([^'\\\n\r]*)')`;
const DOT = new RegExp(String.raw`^\s*\??\.\s*(${IDENT})`);
const BRACKET = new RegExp(String.raw`^\s*\[\s*${LITERAL}\s*\]`);
const GET_CALL = new RegExp(String.raw`^\s*\(\s*${LITERAL}\s*[,)]`);
const GIVE_UP = /(?<![\w$])(?:arguments|eval)(?![\w$])|\\u/;

/** The top-level field names the snippets may read, or undefined when they may read any (send the whole record). */
export function fieldsUsed(snippets: readonly SnippetSource[]): ReadonlySet<string> | undefined {
  const names = new Set<string>();
  for (const s of snippets) if (!addFields(s.code, names)) return undefined;
  return names;
}

function addFields(code: string, names: Set<string>): boolean {
  if (GIVE_UP.test(code)) return false;
  for (const m of code.matchAll(WORD)) {
    const after = code.slice(m.index + m[0].length);
    const dot = DOT.exec(after);
    if (dot) {
      const name = dot[1];
      names.add(name);
      if (name !== 'get') continue;
      // record.get("a.b"): the field "a.b" if the record has it, else the path from "a" (src/sandbox/runnerSource.ts getPath).
      const call = GET_CALL.exec(after.slice(dot[0].length));
      if (!call) return false;
      const path = call[1] ?? call[2];
      names.add(path);
      names.add(path.split('.')[0]);
      continue;
    }
    const bracket = BRACKET.exec(after);
    if (!bracket) return false;
    names.add(bracket[1] ?? bracket[2]);
  }
  return true;
}
