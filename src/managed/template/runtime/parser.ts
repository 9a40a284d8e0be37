/**
 * Jinja2's parser (jinja2/parser.py), rule for rule, so that precedence matches Python exactly:
 * `~` binds tighter than `+`, tests (`is`) and filters (`|`) bind to the unary operand, comparisons chain
 * (`0 < i <= 5`), `true/false/none` (any case) are constants. Unknown filters and tests fail at compile time,
 * as in Jinja ("No filter named 'x'.").
 */
import type { BinaryOp, CallArgs, CompareOp, Expr, Param, Stmt, Target } from './ast.js';
import { tokenize, type Token } from './lexer.js';
import { PyFloat, TemplateSyntaxError } from './values.js';

export interface Vocabulary {
  hasFilter(name: string): boolean;
  hasTest(name: string): boolean;
}

const COMPARE: Record<string, CompareOp> = { '==': 'eq', '!=': 'ne', '<': 'lt', '<=': 'lteq', '>': 'gt', '>=': 'gteq' };
const CONSTANTS: Record<string, unknown> = { true: true, True: true, false: false, False: false, none: null, None: null };
const DESCRIBE: Partial<Record<Token['type'], string>> = {
  variable_end: 'end of print statement', block_end: 'end of statement block', variable_begin: 'begin of print statement',
  block_begin: 'begin of statement block', eof: 'end of template', integer: 'integer', float: 'float', string: 'string',
};
const STATEMENTS = new Set(['for', 'if', 'block', 'extends', 'print', 'macro', 'include', 'from', 'import', 'set', 'with', 'autoescape', 'filter', 'call']);

export function parse(template: string, vocabulary: Vocabulary): Stmt[] {
  return new Parser(tokenize(template), vocabulary).template();
}

class Parser {
  private pos = 0;
  /** Open blocks, innermost last, for the "was looking for" hint of an unknown tag. */
  private readonly stack: string[] = [];
  private endTokenStack: string[][] = [];

  constructor(private readonly tokens: Token[], private readonly vocabulary: Vocabulary) {}

  template(): Stmt[] {
    const body = this.subparse();
    return body;
  }

  // ---- token stream -------------------------------------------------------------------------------------
  private get current(): Token {
    return this.tokens[this.pos];
  }
  private look(): Token {
    return this.tokens[Math.min(this.pos + 1, this.tokens.length - 1)];
  }
  private next(): Token {
    const t = this.tokens[this.pos];
    if (t.type !== 'eof') this.pos++;
    return t;
  }
  private isOp(value: string, t: Token = this.current): boolean {
    return t.type === 'op' && t.value === value;
  }
  private isName(value: string, t: Token = this.current): boolean {
    return t.type === 'name' && t.value === value;
  }
  private skipOp(value: string): boolean {
    if (!this.isOp(value)) return false;
    this.next();
    return true;
  }
  private skipName(value: string): boolean {
    if (!this.isName(value)) return false;
    this.next();
    return true;
  }
  private describe(t: Token): string {
    if (t.type === 'name' || t.type === 'op') return String(t.value);
    return DESCRIBE[t.type] ?? t.type;
  }
  fail(message: string, t: Token = this.current): never {
    throw new TemplateSyntaxError(message, t.line, t.column);
  }
  private expectType(type: Token['type'], what = DESCRIBE[type] ?? type): Token {
    const t = this.current;
    if (t.type !== type) this.unexpected(t, what);
    return this.next();
  }
  private expectOp(value: string): Token {
    if (!this.isOp(value)) this.unexpected(this.current, value);
    return this.next();
  }
  private expectName(value: string): Token {
    if (!this.isName(value)) this.unexpected(this.current, value);
    return this.next();
  }
  private unexpected(t: Token, expected: string): never {
    if (t.type === 'eof') this.fail(`unexpected end of template, expected '${expected}'.`, t);
    this.fail(`expected token '${expected}', got '${this.describe(t)}'`, t);
  }

  // ---- statements ---------------------------------------------------------------------------------------
  private subparse(endTokens?: string[]): Stmt[] {
    const body: Stmt[] = [];
    let data: (Expr | { k: 'data'; text: string })[] = [];
    const flush = () => {
      if (data.length) body.push({ k: 'output', nodes: data });
      data = [];
    };
    if (endTokens) this.endTokenStack.push(endTokens);
    try {
      while (this.current.type !== 'eof') {
        const t = this.current;
        if (t.type === 'data') {
          data.push({ k: 'data', text: String(t.value) });
          this.next();
        } else if (t.type === 'variable_begin') {
          this.next();
          data.push(this.tuple({ explicitParens: false }));
          this.expectType('variable_end');
        } else if (t.type === 'block_begin') {
          flush();
          this.next();
          if (endTokens && this.current.type === 'name' && endTokens.includes(String(this.current.value))) return body;
          body.push(this.statement());
          this.expectType('block_end');
        } else {
          this.fail('internal parser error');
        }
      }
      flush();
      return body;
    } finally {
      if (endTokens) this.endTokenStack.pop();
    }
  }

  private statement(): Stmt {
    const t = this.current;
    if (t.type !== 'name') this.fail('tag name expected', t);
    const name = String(t.value);
    if (!STATEMENTS.has(name)) this.unknownTag(name, t);
    this.stack.push(name);
    try {
      this.next();
      switch (name) {
        case 'for': return this.forStatement();
        case 'if': return this.ifStatement();
        case 'set': return this.setStatement();
        case 'macro': return this.macro();
        case 'call': return this.callBlock();
        case 'filter': return this.filterBlock();
        case 'with': return this.withStatement();
        case 'block': return this.block();
        case 'autoescape': {
          this.expression();
          return { k: 'scope', body: this.statements(['endautoescape'], true) };
        }
        case 'print': {
          const nodes: Expr[] = [];
          while (this.current.type !== 'block_end') {
            if (nodes.length) this.expectOp(',');
            nodes.push(this.expression());
          }
          return { k: 'output', nodes };
        }
        default: {
          // extends/include/import/from need a template loader, which managed mode has not got: parse, fail when run.
          while (this.current.type !== 'block_end' && this.current.type !== 'eof') this.next();
          return { k: 'unsupported', tag: name };
        }
      }
    } finally {
      this.stack.pop();
    }
  }

  private unknownTag(name: string, t: Token): never {
    const expected = this.endTokenStack.flat();
    let message = `Encountered unknown tag '${name}'.`;
    if (expected.length) {
      const list = expected.map((e) => `'${e}'`);
      const text = list.length === 1 ? list[0] : `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`;
      message += ` Jinja was looking for the following tags: ${text}.`;
      const innermost = this.stack[this.stack.length - 1];
      if (innermost) message += ` The innermost block that needs to be closed is '${innermost}'.`;
    }
    this.fail(message, t);
  }

  /** Body up to one of `endTokens`; `drop` consumes the end tag's name (the caller's subparse expects `%}`). */
  private statements(endTokens: string[], drop = false): Stmt[] {
    this.skipOp(':');
    this.expectType('block_end');
    const body = this.subparse(endTokens);
    if (this.current.type === 'eof') {
      const innermost = this.stack[this.stack.length - 1];
      const list = endTokens.map((e) => `'${e}'`).join(' or ');
      this.fail(`Unexpected end of template. Jinja was looking for the following tags: ${list}. The innermost block that needs to be closed is '${innermost}'.`);
    }
    if (drop) this.next();
    return body;
  }

  private forStatement(): Stmt {
    const target = this.assignTarget({ extraEnd: ['in'] });
    this.expectName('in');
    const iter = this.tuple({ withCondexpr: false, extraEnd: ['recursive'] });
    const test = this.skipName('if') ? this.expression() : undefined;
    const recursive = this.skipName('recursive');
    const body = this.statements(['endfor', 'else']);
    const else_ = this.next().value === 'endfor' ? [] : this.statements(['endfor'], true);
    return { k: 'for', target, iter, body, else_, test, recursive };
  }

  private ifStatement(): Stmt {
    const test = this.tuple({ withCondexpr: false });
    const body = this.statements(['elif', 'else', 'endif']);
    const t = this.next();
    if (t.value === 'elif') return { k: 'if', test, body, else_: [this.ifStatement()] };
    if (t.value === 'else') return { k: 'if', test, body, else_: this.statements(['endif'], true) };
    return { k: 'if', test, body, else_: [] };
  }

  private setStatement(): Stmt {
    const target = this.assignTarget({ withNamespace: true });
    if (this.skipOp('=')) return { k: 'assign', target, value: this.tuple({}) };
    const filter = this.isOp('|') ? this.filter(null) : undefined;
    const body = this.statements(['endset'], true);
    return { k: 'assignblock', target, body, filter };
  }

  private macro(): Stmt {
    const name = String(this.expectType('name', 'name').value);
    const params = this.signature();
    return { k: 'macro', name, params, body: this.statements(['endmacro'], true) };
  }

  private signature(): Param[] {
    const params: Param[] = [];
    this.expectOp('(');
    let sawDefault = false;
    while (!this.skipOp(')')) {
      if (params.length) this.expectOp(',');
      const name = String(this.expectType('name', 'name').value);
      if (this.skipOp('=')) {
        params.push({ name, default: this.expression() });
        sawDefault = true;
      } else {
        if (sawDefault) this.fail('non-default argument follows default argument');
        params.push({ name });
      }
    }
    return params;
  }

  private callBlock(): Stmt {
    const params = this.isOp('(') ? this.signature() : [];
    const call = this.expression();
    if (call.k !== 'call') this.fail('expected call');
    return { k: 'callblock', call, params, body: this.statements(['endcall'], true) };
  }

  private filterBlock(): Stmt {
    const filter = this.filter(null, true);
    return { k: 'filterblock', filter, body: this.statements(['endfilter'], true) };
  }

  private withStatement(): Stmt {
    const targets: [Target, Expr][] = [];
    while (this.current.type !== 'block_end') {
      if (targets.length) this.expectOp(',');
      const target = this.assignTarget({});
      this.expectOp('=');
      targets.push([target, this.expression()]);
    }
    return { k: 'with', targets, body: this.statements(['endwith'], true) };
  }

  private block(): Stmt {
    const name = String(this.expectType('name', 'name').value);
    this.skipName('scoped');
    this.skipName('required');
    const body = this.statements(['endblock'], true);
    this.skipName(name);
    return { k: 'scope', body };
  }

  private assignTarget(opts: { withNamespace?: boolean; extraEnd?: string[] }): Target {
    if (opts.withNamespace && this.current.type === 'name' && this.isOp('.', this.look())) {
      const name = String(this.next().value);
      this.next();
      const attr = String(this.expectType('name', 'name').value);
      return { k: 'nsref', name, attr };
    }
    const start = this.current;
    const expr = this.tuple({ simplified: true, extraEnd: opts.extraEnd });
    const target = toTarget(expr);
    if (!target) this.fail(`can't assign to '${expr.k}'`, start);
    return target;
  }

  // ---- expressions --------------------------------------------------------------------------------------
  expression(withCondexpr = true): Expr {
    return withCondexpr ? this.condexpr() : this.or();
  }

  private tuple(opts: { simplified?: boolean; withCondexpr?: boolean; extraEnd?: string[]; explicitParens?: boolean }): Expr {
    const parseOne = opts.simplified ? () => this.primary() : () => this.expression(opts.withCondexpr ?? true);
    const items: Expr[] = [];
    let isTuple = false;
    for (;;) {
      if (items.length) this.expectOp(',');
      if (this.isTupleEnd(opts.extraEnd)) break;
      items.push(parseOne());
      if (this.isOp(',')) isTuple = true;
      else break;
    }
    if (!isTuple) {
      if (items.length) return items[0];
      if (!opts.explicitParens) this.fail(`Expected an expression, got '${this.describe(this.current)}'`);
    }
    return { k: 'tuple', items };
  }

  private isTupleEnd(extraEnd?: string[]): boolean {
    const t = this.current;
    if (t.type === 'variable_end' || t.type === 'block_end' || this.isOp(')', t)) return true;
    return extraEnd !== undefined && t.type === 'name' && extraEnd.includes(String(t.value));
  }

  private condexpr(): Expr {
    let expr1 = this.or();
    while (this.skipName('if')) {
      const test = this.or();
      const expr2 = this.skipName('else') ? this.condexpr() : undefined;
      expr1 = { k: 'condexpr', test, expr1, expr2 };
    }
    return expr1;
  }

  private or(): Expr {
    let left = this.and();
    while (this.skipName('or')) left = { k: 'or', left, right: this.and() };
    return left;
  }

  private and(): Expr {
    let left = this.not();
    while (this.skipName('and')) left = { k: 'and', left, right: this.not() };
    return left;
  }

  private not(): Expr {
    if (this.skipName('not')) return { k: 'not', node: this.not() };
    return this.compare();
  }

  private compare(): Expr {
    const expr = this.math1();
    const ops: [CompareOp, Expr][] = [];
    for (;;) {
      const t = this.current;
      if (t.type === 'op' && Object.hasOwn(COMPARE, String(t.value))) {
        this.next();
        ops.push([COMPARE[String(t.value)], this.math1()]);
      } else if (this.skipName('in')) {
        ops.push(['in', this.math1()]);
      } else if (this.isName('not') && this.isName('in', this.look())) {
        this.next();
        this.next();
        ops.push(['notin', this.math1()]);
      } else break;
    }
    return ops.length ? { k: 'compare', expr, ops } : expr;
  }

  private math1(): Expr {
    let left = this.concat();
    while (this.isOp('+') || this.isOp('-')) {
      const op = String(this.next().value) as BinaryOp;
      left = { k: 'binop', op, left, right: this.concat() };
    }
    return left;
  }

  private concat(): Expr {
    const nodes = [this.math2()];
    while (this.skipOp('~')) nodes.push(this.math2());
    return nodes.length === 1 ? nodes[0] : { k: 'concat', nodes };
  }

  private math2(): Expr {
    let left = this.pow();
    while (this.isOp('*') || this.isOp('/') || this.isOp('//') || this.isOp('%')) {
      const op = String(this.next().value) as BinaryOp;
      left = { k: 'binop', op, left, right: this.pow() };
    }
    return left;
  }

  private pow(): Expr {
    let left = this.unary();
    while (this.skipOp('**')) left = { k: 'binop', op: '**', left, right: this.unary() };
    return left;
  }

  private unary(withFilter = true): Expr {
    let node: Expr;
    if (this.skipOp('-')) node = { k: 'neg', node: this.unary(false) };
    else if (this.skipOp('+')) node = { k: 'pos', node: this.unary(false) };
    else node = this.primary();
    node = this.postfix(node);
    return withFilter ? this.filterExpr(node) : node;
  }

  private primary(): Expr {
    const t = this.current;
    if (t.type === 'name') {
      this.next();
      const name = String(t.value);
      return Object.hasOwn(CONSTANTS, name) ? { k: 'const', value: CONSTANTS[name] } : { k: 'name', name };
    }
    if (t.type === 'string') {
      let text = String(this.next().value);
      while (this.current.type === 'string') text += String(this.next().value);
      return { k: 'const', value: text };
    }
    if (t.type === 'integer') return { k: 'const', value: this.next().value };
    if (t.type === 'float') return { k: 'const', value: new PyFloat(Number(this.next().value)) };
    if (this.skipOp('(')) {
      const node = this.tuple({ explicitParens: true });
      this.expectOp(')');
      return node;
    }
    if (this.isOp('[')) return this.list();
    if (this.isOp('{')) return this.dict();
    this.fail(`unexpected '${this.describe(t)}'`, t);
  }

  private list(): Expr {
    this.expectOp('[');
    const items: Expr[] = [];
    while (!this.isOp(']')) {
      if (items.length) this.expectOp(',');
      if (this.isOp(']')) break;
      items.push(this.expression());
    }
    this.expectOp(']');
    return { k: 'list', items };
  }

  private dict(): Expr {
    this.expectOp('{');
    const items: [Expr, Expr][] = [];
    while (!this.isOp('}')) {
      if (items.length) this.expectOp(',');
      if (this.isOp('}')) break;
      const key = this.expression();
      this.expectOp(':');
      items.push([key, this.expression()]);
    }
    this.expectOp('}');
    return { k: 'dict', items };
  }

  private postfix(node: Expr): Expr {
    for (;;) {
      if (this.isOp('.') || this.isOp('[')) node = this.subscript(node);
      else if (this.isOp('(')) node = { k: 'call', fn: node, ...this.callArgs() };
      else return node;
    }
  }

  private filterExpr(node: Expr): Expr {
    for (;;) {
      if (this.isOp('|')) node = this.filter(node);
      else if (this.isName('is')) node = this.test(node);
      else if (this.isOp('(')) node = { k: 'call', fn: node, ...this.callArgs() };
      else return node;
    }
  }

  private subscript(node: Expr): Expr {
    const t = this.next();
    if (this.isOp('.', t)) {
      const attr = this.next();
      if (attr.type === 'name') return { k: 'getattr', obj: node, attr: String(attr.value) };
      if (attr.type !== 'integer') this.fail('expected name or number', attr);
      return { k: 'getitem', obj: node, arg: { k: 'const', value: attr.value } };
    }
    const args: Expr[] = [];
    while (!this.isOp(']')) {
      if (args.length) this.expectOp(',');
      args.push(this.subscribed());
    }
    this.expectOp(']');
    return { k: 'getitem', obj: node, arg: args.length === 1 ? args[0] : { k: 'tuple', items: args } };
  }

  private subscribed(): Expr {
    const parts: (Expr | undefined)[] = [];
    if (this.skipOp(':')) {
      parts.push(undefined);
    } else {
      const node = this.expression();
      if (!this.isOp(':')) return node;
      this.next();
      parts.push(node);
    }
    const endOfPart = () => this.isOp(':') || this.isOp(']') || this.isOp(',');
    parts.push(endOfPart() ? undefined : this.expression());
    if (this.skipOp(':')) parts.push(this.isOp(']') || this.isOp(',') ? undefined : this.expression());
    return { k: 'slice', start: parts[0], stop: parts[1], step: parts[2] };
  }

  private callArgs(): CallArgs {
    const open = this.expectOp('(');
    const out: CallArgs = { args: [], kwargs: [] };
    const ensure = (ok: boolean) => {
      if (!ok) this.fail('invalid syntax for function call expression', open);
    };
    let requireComma = false;
    while (!this.isOp(')')) {
      if (requireComma) {
        this.expectOp(',');
        if (this.isOp(')')) break;
      }
      if (this.skipOp('*')) {
        ensure(!out.dynArgs && !out.dynKwargs);
        out.dynArgs = this.expression();
      } else if (this.skipOp('**')) {
        ensure(!out.dynKwargs);
        out.dynKwargs = this.expression();
      } else if (this.current.type === 'name' && this.isOp('=', this.look())) {
        ensure(!out.dynKwargs);
        const key = String(this.next().value);
        this.next();
        out.kwargs.push([key, this.expression()]);
      } else {
        ensure(!out.dynArgs && !out.dynKwargs && out.kwargs.length === 0);
        out.args.push(this.expression());
      }
      requireComma = true;
    }
    this.expectOp(')');
    return out;
  }

  private dottedName(): { name: string; token: Token } {
    const token = this.expectType('name', 'name');
    let name = String(token.value);
    while (this.skipOp('.')) name += `.${String(this.expectType('name', 'name').value)}`;
    return { name, token };
  }

  private filter(node: Expr | null, startInline = false): Expr {
    while (this.isOp('|') || startInline) {
      if (!startInline) this.next();
      startInline = false;
      const { name, token } = this.dottedName();
      if (!this.vocabulary.hasFilter(name)) this.fail(`No filter named '${name}'.`, token);
      const args = this.isOp('(') ? this.callArgs() : { args: [], kwargs: [] };
      node = { k: 'filter', node, name, ...args };
    }
    if (!node) this.fail('expected a filter');
    return node;
  }

  private test(node: Expr): Expr {
    this.next();
    const negated = this.skipName('not');
    const { name, token } = this.dottedName();
    if (!this.vocabulary.hasTest(name)) this.fail(`No test named '${name}'.`, token);
    let args: CallArgs = { args: [], kwargs: [] };
    const t = this.current;
    if (this.isOp('(')) {
      args = this.callArgs();
    } else if (
      (['name', 'string', 'integer', 'float'].includes(t.type) || this.isOp('[') || this.isOp('{')) &&
      !this.isName('else') && !this.isName('or') && !this.isName('and')
    ) {
      if (this.isName('is')) this.fail('You cannot chain multiple tests with is');
      args = { args: [this.postfix(this.primary())], kwargs: [] };
    }
    const test: Expr = { k: 'test', node, name, ...args };
    return negated ? { k: 'not', node: test } : test;
  }
}

function toTarget(e: Expr): Target | undefined {
  if (e.k === 'name') return { k: 'name', name: e.name };
  if (e.k === 'tuple') {
    const items = e.items.map(toTarget);
    return items.every((x): x is Target => x !== undefined) ? { k: 'tuple', items } : undefined;
  }
  return undefined;
}
