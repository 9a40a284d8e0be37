/**
 * Jinja2's lexer with its default settings (the original's `Environment()`): `{{ }}`, `{% %}`, `{# #}`,
 * `-` whitespace control, `{% raw %}`, newlines normalised to `\n`, one trailing newline dropped, Python
 * literals (`0x1F`, `1_000`, `1e3`, strings decoded as Python's unicode-escape: `'\d'` stays `\d`).
 * Every token carries its 1-based line and column for TemplateSyntaxError.
 */
import { TemplateSyntaxError } from './values.js';

export type TokenType =
  | 'data' | 'block_begin' | 'block_end' | 'variable_begin' | 'variable_end'
  | 'name' | 'string' | 'integer' | 'float' | 'op' | 'eof';

export interface Token {
  type: TokenType;
  /** Text for data/name/op; decoded text for string; the number for integer/float. */
  value: string | number;
  line: number;
  column: number;
}

const TAG_START = /\{([{%#])/g;
const WHITESPACE = /\s+/y;
const FLOAT = /(?:\d+_)*\d+(?:(?:\.(?:\d+_)*\d+)?e[+-]?(?:\d+_)*\d+|\.(?:\d+_)*\d+)/iy;
const INTEGER = /0b(?:_?[01])+|0o(?:_?[0-7])+|0x(?:_?[\da-f])+|[1-9](?:_?\d)*|0(?:_?0)*/iy;
const NAME = /[\p{L}_][\p{L}\p{N}_]*/uy;
const STRING = /'([^'\\]*(?:\\.[^'\\]*)*)'|"([^"\\]*(?:\\.[^"\\]*)*)"/sy;
const OPERATORS = ['//', '**', '==', '!=', '>=', '<=', '+', '-', '/', '*', '%', '~', '[', ']', '(', ')', '{', '}', ',', '.', ':', '|', '=', '<', '>', ';'];
const BLOCK_END = /\+%\}|-%\}|%\}/y;
const VARIABLE_END = /-\}\}|\}\}/y;
const RAW_BEGIN = /\{%[-+]?\s*raw\s*([-+]?)%\}/y;
const RAW_END = /\{%([-+]?)\s*endraw\s*([-+]?)%\}/g;
const CLOSERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

export function tokenize(template: string): Token[] {
  return new Lexer(template).run();
}

class Lexer {
  private readonly src: string;
  private readonly lineStarts: number[] = [0];
  private readonly tokens: Token[] = [];
  /** The previous tag ended with `-`: strip the whitespace that starts the next data. */
  private lstripNext = false;

  constructor(template: string) {
    let src = template.replace(/\r\n|\r/g, '\n');
    if (src.endsWith('\n')) src = src.slice(0, -1);
    this.src = src;
    for (let i = 0; i < src.length; i++) if (src.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  run(): Token[] {
    let pos = 0;
    const src = this.src;
    while (pos <= src.length) {
      TAG_START.lastIndex = pos;
      const found = TAG_START.exec(src);
      const start = found ? found.index : src.length;
      const stripBefore = found !== null && src[start + 2] === '-';
      this.data(src.slice(pos, start), pos, stripBefore);
      if (!found) break;
      const kind = found[1];
      if (kind === '#') pos = this.comment(start);
      else if (kind === '%' && this.isRaw(start)) pos = this.raw(start);
      else pos = this.tag(start, kind === '%' ? 'block' : 'variable');
    }
    this.push('eof', '', src.length);
    return this.tokens;
  }

  position(index: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: index - this.lineStarts[lo] + 1 };
  }

  fail(message: string, index: number): never {
    const { line, column } = this.position(index);
    throw new TemplateSyntaxError(message, line, column);
  }

  private push(type: TokenType, value: string | number, index: number): void {
    const { line, column } = this.position(index);
    this.tokens.push({ type, value, line, column });
  }

  private data(text: string, index: number, stripEnd: boolean): void {
    let at = index;
    if (this.lstripNext) {
      const trimmed = text.replace(/^\s+/, '');
      at += text.length - trimmed.length;
      text = trimmed;
      this.lstripNext = false;
    }
    if (stripEnd) text = text.replace(/\s+$/, '');
    if (text) this.push('data', text, at);
  }

  private comment(start: number): number {
    const end = this.src.indexOf('#}', start + 2);
    if (end < 0) this.fail('Missing end of comment tag', start);
    this.lstripNext = this.src[end - 1] === '-' && end - 1 >= start + 2;
    return end + 2;
  }

  private isRaw(start: number): boolean {
    RAW_BEGIN.lastIndex = start;
    return RAW_BEGIN.test(this.src);
  }

  private raw(start: number): number {
    RAW_BEGIN.lastIndex = start;
    const open = RAW_BEGIN.exec(this.src);
    if (!open) this.fail('raw', start);
    const bodyStart = start + open[0].length;
    RAW_END.lastIndex = bodyStart;
    const close = RAW_END.exec(this.src);
    if (!close) this.fail('Missing end of raw directive', start);
    let body = this.src.slice(bodyStart, close.index);
    if (open[1] === '-') body = body.replace(/^\s+/, '');
    if (close[1] === '-') body = body.replace(/\s+$/, '');
    if (body) this.push('data', body, bodyStart);
    this.lstripNext = close[2] === '-';
    return close.index + close[0].length;
  }

  /** Tokens of one `{% ... %}` or `{{ ... }}`; returns the index after its end. */
  private tag(start: number, kind: 'block' | 'variable'): number {
    const src = this.src;
    this.push(kind === 'block' ? 'block_begin' : 'variable_begin', '', start);
    let pos = start + 2;
    if (src[pos] === '-' || (kind === 'block' && src[pos] === '+')) pos++;
    const balance: string[] = [];
    const endRule = kind === 'block' ? BLOCK_END : VARIABLE_END;
    for (;;) {
      WHITESPACE.lastIndex = pos;
      if (WHITESPACE.test(src)) pos = WHITESPACE.lastIndex;
      if (pos >= src.length) {
        this.fail(`unexpected end of template, expected ${kind === 'block' ? "'end of statement block'" : "'end of print statement'"}.`, start);
      }
      if (balance.length === 0) {
        endRule.lastIndex = pos;
        const end = endRule.exec(src);
        if (end) {
          this.push(kind === 'block' ? 'block_end' : 'variable_end', '', pos);
          this.lstripNext = end[0].startsWith('-');
          return pos + end[0].length;
        }
      }
      pos = this.operand(pos, balance);
    }
  }

  private operand(pos: number, balance: string[]): number {
    const src = this.src;
    if (src[pos - 1] !== '.' || !/\d/.test(src[pos])) {
      FLOAT.lastIndex = pos;
      const f = FLOAT.exec(src);
      if (f) {
        this.push('float', Number(f[0].replace(/_/g, '')), pos);
        return pos + f[0].length;
      }
    }
    INTEGER.lastIndex = pos;
    const i = INTEGER.exec(src);
    if (i) {
      this.push('integer', parseInteger(i[0]), pos);
      return pos + i[0].length;
    }
    NAME.lastIndex = pos;
    const n = NAME.exec(src);
    if (n) {
      this.push('name', n[0], pos);
      return pos + n[0].length;
    }
    STRING.lastIndex = pos;
    const s = STRING.exec(src);
    if (s) {
      const raw = s[1] ?? s[2];
      this.push('string', this.unescape(raw, pos + 1), pos);
      return pos + s[0].length;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, pos));
    if (op) {
      if (Object.hasOwn(CLOSERS, op)) balance.push(CLOSERS[op]);
      else if (op === ')' || op === ']' || op === '}') {
        if (balance.length === 0) this.fail(`unexpected '${op}'`, pos);
        const expected = balance.pop();
        if (expected !== op) this.fail(`unexpected '${op}', expected '${expected}'`, pos);
      }
      this.push('op', op, pos);
      return pos + op.length;
    }
    if (src[pos] === '"' || src[pos] === "'") this.fail('unexpected end of string', pos);
    this.fail(`unexpected char ${JSON.stringify(src[pos]).replace(/^"|"$/g, "'")} at ${pos}`, pos);
  }

  /** Python's unicode-escape decoding, as Jinja applies it to string literals; unknown escapes stay as written. */
  private unescape(raw: string, index: number): string {
    if (!raw.includes('\\')) return raw;
    return raw.replace(/\\(x[\s\S]{0,2}|u[\s\S]{0,4}|U[\s\S]{0,8}|[0-7]{1,3}|N\{[^}]*\}|[\s\S])/g, (all, esc: string, offset: number) => {
      const c = esc[0];
      const hex = (len: number) => {
        const digits = esc.slice(1);
        if (digits.length !== len || !/^[0-9a-f]+$/i.test(digits)) {
          this.fail(`(unicode error) 'unicodeescape' codec can't decode bytes: truncated \\${c}XX escape`, index + offset);
        }
        return String.fromCodePoint(parseInt(digits, 16));
      };
      switch (c) {
        case 'x': return hex(2);
        case 'u': return hex(4);
        case 'U': return hex(8);
        case 'N': return all; // named escapes are not supported; kept as written
        case '\n': return '';
        case '\\': return '\\';
        case "'": return "'";
        case '"': return '"';
        case 'a': return '\x07';
        case 'b': return '\b';
        case 'f': return '\f';
        case 'n': return '\n';
        case 'r': return '\r';
        case 't': return '\t';
        case 'v': return '\v';
      }
      if (/[0-7]/.test(c)) return String.fromCharCode(parseInt(esc, 8));
      return all;
    });
  }
}

function parseInteger(text: string): number {
  const clean = text.replace(/_/g, '').toLowerCase();
  if (clean.startsWith('0b')) return parseInt(clean.slice(2), 2);
  if (clean.startsWith('0o')) return parseInt(clean.slice(2), 8);
  if (clean.startsWith('0x')) return parseInt(clean.slice(2), 16);
  return Number(clean);
}
