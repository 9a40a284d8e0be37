/**
 * Reader for the original connector's INI dialect (Python ConfigParser as the original subclassed it):
 * - `key = value` and `key: value`; the first `=` or `:` splits; keys are case-insensitive (lower-cased).
 * - Lines starting with `#` or `;` in column 0 are comments, as are `rem ...` lines.
 * - An indented line continues the previous value (multi-line `[converters]` entries and `recordfilter`).
 * - An inline `;` comment counts only when the first `;` of the value follows whitespace.
 * - `""` means the empty string; `%` is literal (no interpolation).
 * - A section or a key (within a section) written twice is an error naming both lines, as Python's strict
 *   ConfigParser (the default since Python 3.2) refuses them: a silent "last one wins" hides a mistake.
 * The `ini` package cannot read continuation lines, hence this reader. Every entry keeps its line number
 * so that configuration errors can point at `file:line`.
 */
import { ConfigError, ConfigErrors } from '../errors.js';

export interface IniEntry {
  key: string;
  value: string;
  /** Line of the key. */
  line: number;
  /** Line where the value's text starts (the first continuation line for `key:` followed by a block). */
  valueLine: number;
}

export interface IniSection {
  name: string;
  line: number;
  entries: Map<string, IniEntry>;
}

export interface IniDocument {
  file: string;
  sections: Map<string, IniSection>;
}

const SECTION_HEADER = /^\[(?<name>[^\]]+)\]/;
const OPTION = /^(?<key>.*?)\s*(?<sep>[=:])\s*(?<value>.*)$/;

export function parseIni(text: string, file = 'config.ini'): IniDocument {
  const sections = new Map<string, IniSection>();
  const errors: ConfigError[] = [];
  let current: IniSection | undefined;
  let continued: { entry: IniEntry; lines: string[] } | undefined;

  const finish = () => {
    if (continued) continued.entry.value = joinContinuation(continued.lines);
    continued = undefined;
  };

  // A UTF-8 BOM (Notepad writes one) must not become part of the first section name.
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '' || raw[0] === '#' || raw[0] === ';') return;
    if (/^rem(\s|$)/i.test(raw)) return;

    if (/^\s/.test(raw) && current && continued) {
      if (continued.lines.length === 1 && continued.lines[0] === '') continued.entry.valueLine = line;
      continued.lines.push(raw);
      return;
    }

    const header = SECTION_HEADER.exec(raw);
    if (header) {
      finish();
      const name = header.groups!.name.trim();
      const first = sections.get(name);
      current = { name, line, entries: new Map() };
      if (first) {
        errors.push(new ConfigError({ file, line, section: name }, `section [${name}] appears twice (first at line ${first.line}); merge the two`));
      } else {
        sections.set(name, current);
      }
      return;
    }
    if (!current) {
      errors.push(new ConfigError({ file, line }, `a setting before any [section] header: "${raw.trim()}"`));
      return;
    }
    const option = OPTION.exec(raw.trim());
    if (!option) {
      errors.push(
        new ConfigError({ file, line, section: current.name }, `cannot read this line (expected "key = value"): "${raw.trim()}"`),
      );
      return;
    }
    finish();
    const key = option.groups!.key.trim().toLowerCase();
    const entry: IniEntry = { key, value: cleanValue(option.groups!.value), line, valueLine: line };
    const earlier = current.entries.get(key);
    if (earlier) {
      errors.push(new ConfigError({ file, line, section: current.name, key }, `${key} is set twice in this section (first at line ${earlier.line}); keep one`));
    } else {
      current.entries.set(key, entry);
    }
    continued = { entry, lines: [entry.value] };
  });
  finish();

  if (errors.length) throw new ConfigErrors(errors);
  return { file, sections };
}

function cleanValue(value: string): string {
  const semicolon = value.indexOf(';');
  if (semicolon > 0 && /\s/.test(value[semicolon - 1])) value = value.slice(0, semicolon);
  value = value.trim();
  return value === '""' ? '' : value;
}

/**
 * Joins a value with its continuation lines. The first line is the text after the separator (often empty,
 * as in `recordfilter:`); continuation lines lose their common indentation so code snippets read naturally.
 */
function joinContinuation(lines: string[]): string {
  if (lines.length === 1) return lines[0];
  const [first, ...rest] = lines;
  const indent = Math.min(...rest.map((l) => /^\s*/.exec(l)![0].length));
  const body = rest.map((l) => l.slice(indent).trimEnd());
  return (first ? [first, ...body] : body).join('\n');
}
