/**
 * A port of Python's `ast.literal_eval` (3.11) for native rendering's type guessing: `"2"` → 2, `"1,2,3"` →
 * (1, 2, 3), `"None"` → None, `"1e3"` → 1000.0, `"0x1F"` → 31; `"0042"` (a syntax error in Python) and
 * `"312-800-9919"` (not a literal) are not literals. Leading spaces and tabs are ignored, comments and
 * trailing newlines allowed, as in Python. Complex numbers are not supported (the text stays a string).
 */
import { PyBytes, PyError, PyFloat, dictKey, float, tuple, type Value } from './values.js';
import { encodeText } from './utf8.js';

/** Returned when the text is not a Python literal. */
export const NOT_LITERAL: unique symbol = Symbol('not a literal');

type Tok =
  | { t: 'num'; v: Value }
  | { t: 'str'; v: string; bytes: boolean }
  | { t: 'name'; v: string }
  | { t: 'op'; v: string }
  | { t: 'end' };

/**
 * Thrown to unwind the parser. One shared instance, not an Error: most texts a native render or a mapping reads
 * ("SN42", an e-mail address) are not literals, and capturing a stack trace per text was a measurable part of a
 * managed run's CPU (bench/managed.ts).
 */
class NotLiteral {}
const NOT_LITERAL_SIGNAL = new NotLiteral();
const fail = (): never => {
  throw NOT_LITERAL_SIGNAL;
};

const NUMBER = /(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:(?:\d(?:_?\d)*)?\.\d(?:_?\d)*|\d(?:_?\d)*\.?)(?:[eE][-+]?\d(?:_?\d)*)?)[jJ]?/y;
const NAME = /[\p{L}_][\p{L}\p{N}_]*/uy;
const STRING_START = /([rRbBuUfF]{0,2})('''|"""|'|")/y;

function tokenize(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  let depth = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\f') { i++; continue; }
    if (c === '\\' && src[i + 1] === '\n') {
      i += 2;
      if (i >= src.length) fail(); // a continuation at the very end is a syntax error
      continue;
    }
    if (c === '#') { while (i < src.length && src[i] !== '\n') i++; continue; }
    if (c === '\n' || c === '\r') {
      // a newline inside brackets joins lines; at the top level only trailing newlines are allowed
      if (depth === 0 && toks.length && /\S/.test(src.slice(i).replace(/#[^\n]*/g, ''))) fail();
      i++;
      continue;
    }
    STRING_START.lastIndex = i;
    const s = STRING_START.exec(src);
    if (s && (s[1] === '' || /^(?:[rRuU]|[bB]|[rR][bB]|[bB][rR])$/.test(s[1]))) {
      const [text, next] = readString(src, i + s[1].length, s[2], s[1]);
      toks.push({ t: 'str', v: text, bytes: /[bB]/.test(s[1]) });
      i = next;
      continue;
    }
    if (s && /[fF]/.test(s[1])) fail();
    NUMBER.lastIndex = i;
    const n = /[\d.]/.test(c) ? NUMBER.exec(src) : null;
    if (n && n[0] !== '.') {
      toks.push({ t: 'num', v: numberValue(n[0]) });
      i += n[0].length;
      if (i < src.length && /[\p{L}\p{N}_]/u.test(src[i])) fail();
      continue;
    }
    NAME.lastIndex = i;
    const name = NAME.exec(src);
    if (name) {
      toks.push({ t: 'name', v: name[0] });
      i += name[0].length;
      continue;
    }
    if ('([{'.includes(c)) depth++;
    if (')]}'.includes(c)) depth--;
    if (depth < 0) fail();
    if ('()[]{},:+-'.includes(c)) {
      toks.push({ t: 'op', v: c });
      i++;
      continue;
    }
    fail();
  }
  toks.push({ t: 'end' });
  return toks;
}

function numberValue(text: string): Value {
  if (/[jJ]$/.test(text)) fail(); // complex: not representable here
  const clean = text.replace(/_/g, '');
  if (/^0[xX]/.test(clean)) return parseInt(clean.slice(2), 16);
  if (/^0[oO]/.test(clean)) return parseInt(clean.slice(2), 8);
  if (/^0[bB]/.test(clean)) return parseInt(clean.slice(2), 2);
  if (/[.eE]/.test(clean)) return float(Number(clean));
  if (/^0\d/.test(clean) && !/^0+$/.test(clean)) fail(); // leading zeros are a syntax error
  return Number(clean);
}

function readString(src: string, start: number, quote: string, prefix: string): [string, number] {
  const raw = /[rR]/.test(prefix);
  const bytes = /[bB]/.test(prefix);
  let i = start + quote.length;
  let out = '';
  for (;;) {
    if (i >= src.length) fail();
    if (src.startsWith(quote, i)) return [out, i + quote.length];
    const c = src[i];
    if (c === '\n' && quote.length === 1) fail();
    if (bytes && c.charCodeAt(0) > 0x7f) fail();
    if (c === '\\') {
      const e = src[i + 1];
      if (e === undefined) fail();
      if (raw) {
        out += c + e;
        i += 2;
        continue;
      }
      const simple: Record<string, string> = { '\n': '', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
      if (Object.hasOwn(simple, e)) { out += simple[e]; i += 2; continue; }
      const hexLen = e === 'x' ? 2 : !bytes && e === 'u' ? 4 : !bytes && e === 'U' ? 8 : 0;
      if (hexLen) {
        const digits = src.slice(i + 2, i + 2 + hexLen);
        if (!new RegExp(`^[0-9a-fA-F]{${hexLen}}$`).test(digits)) fail();
        const cp = parseInt(digits, 16);
        if (cp > 0x10ffff) fail();
        out += String.fromCodePoint(cp);
        i += 2 + hexLen;
        continue;
      }
      const oct = /^[0-7]{1,3}/.exec(src.slice(i + 1, i + 4));
      if (oct) {
        out += String.fromCharCode(parseInt(oct[0], 8));
        i += 1 + oct[0].length;
        continue;
      }
      if (e === 'N' && !bytes) fail(); // named escapes are not supported
      out += c + e;
      i += 2;
      continue;
    }
    out += c;
    i++;
  }
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}
  private get cur(): Tok {
    return this.toks[this.i];
  }
  private isOp(v: string): boolean {
    const t = this.cur;
    return t.t === 'op' && t.v === v;
  }
  private expectOp(v: string): void {
    if (!this.isOp(v)) fail();
    this.i++;
  }
  top(): Value {
    const first = this.expr();
    let result = first;
    if (this.isOp(',')) {
      const items = [first];
      while (this.isOp(',')) {
        this.i++;
        if (this.cur.t === 'end') break;
        items.push(this.expr());
      }
      result = tuple(items);
    }
    if (this.cur.t !== 'end') fail();
    return result;
  }
  private expr(): Value {
    const t = this.cur;
    if (t.t === 'op' && (t.v === '-' || t.v === '+')) {
      this.i++;
      const n = this.cur;
      if (n.t !== 'num') fail();
      this.i++;
      const v = (n as { v: Value }).v;
      if (t.v === '+') return v;
      return v instanceof PyFloat ? float(-v.value) : -(v as number);
    }
    if (t.t === 'num') {
      this.i++;
      return t.v;
    }
    if (t.t === 'str') {
      let text = t.v;
      const bytes = t.bytes;
      this.i++;
      while (this.cur.t === 'str') {
        const next = this.cur as { v: string; bytes: boolean };
        if (next.bytes !== bytes) fail(); // cannot mix bytes and nonbytes literals
        text += next.v;
        this.i++;
      }
      return bytes ? new PyBytes(encodeText(text, 'latin-1')) : text;
    }
    if (t.t === 'name') {
      this.i++;
      if (t.v === 'True') return true;
      if (t.v === 'False') return false;
      if (t.v === 'None') return null;
      if (t.v === 'set' && this.isOp('(')) {
        this.i++;
        this.expectOp(')');
        return [];
      }
      return fail();
    }
    if (this.isOp('(')) {
      this.i++;
      if (this.isOp(')')) { this.i++; return tuple([]); }
      const first = this.expr();
      if (this.isOp(')')) { this.i++; return first; }
      const items = [first];
      while (this.isOp(',')) {
        this.i++;
        if (this.isOp(')')) break;
        items.push(this.expr());
      }
      this.expectOp(')');
      return tuple(items);
    }
    if (this.isOp('[')) {
      this.i++;
      const items: Value[] = [];
      while (!this.isOp(']')) {
        items.push(this.expr());
        if (!this.isOp(',')) break;
        this.i++;
      }
      this.expectOp(']');
      return items;
    }
    if (this.isOp('{')) {
      this.i++;
      if (this.isOp('}')) { this.i++; return new Map(); }
      const first = this.expr();
      if (this.isOp(':')) {
        const map = new Map<Value, Value>();
        this.i++;
        map.set(dictKey(first), this.expr());
        while (this.isOp(',')) {
          this.i++;
          if (this.isOp('}')) break;
          const k = this.expr();
          this.expectOp(':');
          map.set(dictKey(k), this.expr());
        }
        this.expectOp('}');
        return map;
      }
      // a set literal: returned as a list (JSON has no sets)
      const items = [first];
      while (this.isOp(',')) {
        this.i++;
        if (this.isOp('}')) break;
        items.push(this.expr());
      }
      this.expectOp('}');
      return items;
    }
    return fail();
  }
}

export function literalEval(text: string): Value | typeof NOT_LITERAL {
  try {
    const toks = tokenize(text.replace(/^[ \t]+/, ''));
    if (toks.length === 1) return NOT_LITERAL;
    return new Parser(toks).top();
  } catch (err) {
    if (err instanceof NotLiteral) return NOT_LITERAL;
    if (err instanceof PyError) return NOT_LITERAL; // an unhashable dict key
    throw err;
  }
}
