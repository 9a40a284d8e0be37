/**
 * Runs a parsed template against a context, with Jinja2's scoping: a for loop gives each iteration its own
 * scope (a `set` inside does not leak out), `if` gives none, macros close over the scope that defined them.
 * Output goes to a list of pieces: in string mode the str() of each value, in native mode the values
 * themselves (native.ts joins them the way Jinja's NativeEnvironment does).
 */
import type { CallArgs, Expr, Param, Stmt, Target } from './ast.js';
import { getAttr, getItem, getSlice } from './attributes.js';
import { binary, compare, concat, negate, undefinedFail } from './operators.js';
import { pyStr } from './repr.js';
import {
  Namespace, PyError, PyFunction, PyObject, Undefined, dictKey, iterate, truthy, tuple, typeError, typeName,
  type Kwargs, type Value,
} from './values.js';

export type RenderMode = 'string' | 'native';

export interface Environment {
  readonly mode: RenderMode;
  filter(name: string): FilterFunction | undefined;
  test(name: string): TestFunction | undefined;
  global(name: string): Value | undefined;
  /** How a block's pieces become one value (`{% set x %}...{% endset %}`): str join, or native concat. */
  concat(pieces: Value[]): Value;
}

export type FilterFunction = (env: FilterEnvironment, value: Value, args: Value[], kwargs: Kwargs) => Value;
export type TestFunction = (env: FilterEnvironment, value: Value, args: Value[], kwargs: Kwargs) => boolean;

/** What filters such as `map('upper')` or `select('odd')` need: the other filters and tests. */
export interface FilterEnvironment {
  readonly mode: RenderMode;
  callFilter(name: string, value: Value, args: Value[], kwargs: Kwargs): Value;
  callTest(name: string, value: Value, args: Value[], kwargs: Kwargs): boolean;
  hasFilter(name: string): boolean;
  hasTest(name: string): boolean;
}

/** Python's recursion limit, in macro calls (Jinja uses several Python frames per call). */
export const MAX_CALL_DEPTH = 100;

class Scope {
  readonly vars = new Map<string, Value>();
  constructor(readonly parent?: Scope) {}
  lookup(name: string): Value | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      if (s.vars.has(name)) return s.vars.get(name);
    }
    return undefined;
  }
}

class LoopContext extends PyObject {
  readonly typeName = 'LoopContext';
  index0 = 0;
  private lastChanged: Value[] | undefined;
  constructor(
    private readonly items: Value[],
    readonly depth0: number,
    private readonly recurse?: (iterable: Value) => Value,
  ) {
    super();
  }
  attr(name: string): Value | undefined {
    const i = this.index0;
    const n = this.items.length;
    switch (name) {
      case 'index': return i + 1;
      case 'index0': return i;
      case 'revindex': return n - i;
      case 'revindex0': return n - i - 1;
      case 'first': return i === 0;
      case 'last': return i === n - 1;
      case 'length': return n;
      case 'depth': return this.depth0 + 1;
      case 'depth0': return this.depth0;
      case 'previtem': return i > 0 ? this.items[i - 1] : new Undefined('there is no previous item');
      case 'nextitem': return i < n - 1 ? this.items[i + 1] : new Undefined('there is no next item');
      case 'cycle': return new PyFunction('cycle', (args) => {
        if (args.length === 0) throw typeError('no items for cycling given');
        return args[i % args.length];
      });
      case 'changed': return new PyFunction('changed', (args) => {
        const changed = this.lastChanged === undefined || !sameValues(this.lastChanged, args);
        this.lastChanged = args;
        return changed;
      });
    }
    return undefined;
  }
  invoke(args: Value[]): Value {
    if (!this.recurse) throw typeError("The loop must be marked 'recursive' to be called recursively.");
    if (args.length !== 1) throw typeError(`loop() takes exactly 1 argument (${args.length} given)`);
    return this.recurse(args[0]);
  }
  repr(): string {
    return `<LoopContext ${this.index0 + 1}/${this.items.length}>`;
  }
}

function sameValues(a: Value[], b: Value[]): boolean {
  return a.length === b.length && a.every((x, i) => compare('eq', x, b[i]));
}

/** The object the as_is filter wraps a value in: native rendering returns the inner value untouched. */
export class RawValue extends PyObject {
  readonly typeName = '_RawValue';
  constructor(readonly value: Value) {
    super();
  }
  str(): string {
    return pyStr(this.value);
  }
}

export class Interpreter implements FilterEnvironment {
  private depth = 0;
  readonly mode: RenderMode;

  constructor(private readonly env: Environment, private readonly context: ReadonlyMap<string, Value>) {
    this.mode = env.mode;
  }

  /** Runs the template; returns its output pieces. */
  run(program: Stmt[]): Value[] {
    const out: Value[] = [];
    this.exec(program, new Scope(), out);
    return out;
  }

  callFilter(name: string, value: Value, args: Value[], kwargs: Kwargs): Value {
    const f = this.env.filter(name);
    if (!f) throw new PyError('TemplateRuntimeError', `No filter named '${name}' found.`);
    return f(this, value, args, kwargs);
  }

  hasFilter(name: string): boolean {
    return this.env.filter(name) !== undefined;
  }

  hasTest(name: string): boolean {
    return this.env.test(name) !== undefined;
  }

  callTest(name: string, value: Value, args: Value[], kwargs: Kwargs): boolean {
    const t = this.env.test(name);
    if (!t) throw new PyError('TemplateRuntimeError', `No test named '${name}' found.`);
    return t(this, value, args, kwargs);
  }

  // ---- statements ---------------------------------------------------------------------------------------
  private exec(body: Stmt[], scope: Scope, out: Value[]): void {
    for (const stmt of body) this.stmt(stmt, scope, out);
  }

  private stmt(s: Stmt, scope: Scope, out: Value[]): void {
    switch (s.k) {
      case 'output':
        for (const node of s.nodes) {
          this.emit(node.k === 'data' ? node.text : this.eval(node, scope), out);
        }
        return;
      case 'if':
        this.exec(truthy(this.eval(s.test, scope)) ? s.body : s.else_, scope, out);
        return;
      case 'for':
        this.forLoop(s, scope, out);
        return;
      case 'assign':
        this.assign(s.target, this.eval(s.value, scope), scope);
        return;
      case 'assignblock': {
        const pieces: Value[] = [];
        this.exec(s.body, scope, pieces);
        let value = this.env.concat(pieces);
        if (s.filter) value = this.applyFilter(s.filter, pyStr(value), scope);
        this.assign(s.target, value, scope);
        return;
      }
      case 'macro':
        scope.vars.set(s.name, this.macro(s.name, s.params, s.body, scope));
        return;
      case 'callblock': {
        const caller = this.macro('caller', s.params, s.body, scope);
        const call = s.call as Extract<Expr, { k: 'call' }>;
        const fn = this.eval(call.fn, scope);
        const [args, kwargs] = this.args(call, scope);
        kwargs.set('caller', caller);
        this.emit(this.invoke(fn, args, kwargs), out);
        return;
      }
      case 'filterblock': {
        const pieces: Value[] = [];
        this.exec(s.body, scope, pieces);
        this.emit(this.applyFilter(s.filter, pieces.map(pyStr).join(''), scope), out);
        return;
      }
      case 'with': {
        const inner = new Scope(scope);
        for (const [target, value] of s.targets) this.assign(target, this.eval(value, scope), inner);
        this.exec(s.body, inner, out);
        return;
      }
      case 'scope':
        this.exec(s.body, new Scope(scope), out);
        return;
      case 'unsupported':
        throw typeError(`no loader for this environment specified ('${s.tag}' needs one)`);
    }
  }

  /**
   * String mode prints str(value). Native mode keeps the value, but Python's native_concat str()s every piece but
   * a lone one as soon as the next is computed (it holds the first two, then joins lazily): a piece that a later
   * one mutates (`{{ d }}{{ d.pop('a') }}`) prints as it was. So from the second piece on, pieces become text.
   */
  private emit(value: Value, out: Value[]): void {
    if (this.mode === 'string') {
      out.push(pyStr(value));
      return;
    }
    if (out.length === 1 && typeof out[0] !== 'string') out[0] = pyStr(out[0]);
    out.push(out.length === 0 ? value : pyStr(value));
  }

  private forLoop(s: Extract<Stmt, { k: 'for' }>, scope: Scope, out: Value[]): void {
    const run = (iterable: Value, depth0: number, sink: Value[]): void => {
      let items = iterate(iterable);
      if (s.test) {
        const test = s.test;
        items = items.filter((item) => {
          const probe = new Scope(scope);
          this.assign(s.target, item, probe);
          return truthy(this.eval(test, probe));
        });
      }
      if (items.length === 0) {
        this.exec(s.else_, scope, sink);
        return;
      }
      const recurse = s.recursive
        ? (next: Value) => {
          const pieces: Value[] = [];
          run(next, depth0 + 1, pieces);
          return pieces.map(pyStr).join('');
        }
        : undefined;
      const loop = new LoopContext(items, depth0, recurse);
      for (let i = 0; i < items.length; i++) {
        loop.index0 = i;
        const inner = new Scope(scope);
        inner.vars.set('loop', loop);
        this.assign(s.target, items[i], inner);
        this.exec(s.body, inner, sink);
      }
    };
    run(this.eval(s.iter, scope), 0, out);
  }

  private assign(target: Target, value: Value, scope: Scope): void {
    if (target.k === 'name') {
      scope.vars.set(target.name, value);
    } else if (target.k === 'tuple') {
      const items = iterate(value);
      if (items.length < target.items.length) {
        throw new PyError('ValueError', `not enough values to unpack (expected ${target.items.length}, got ${items.length})`);
      }
      if (items.length > target.items.length) throw new PyError('ValueError', `too many values to unpack (expected ${target.items.length})`);
      target.items.forEach((t, i) => this.assign(t, items[i], scope));
    } else {
      const ns = this.lookup(target.name, scope);
      if (!(ns instanceof Namespace)) throw new PyError('TemplateRuntimeError', 'cannot assign attribute on non-namespace object');
      ns.attrs.set(target.attr, value);
    }
  }

  private macro(name: string, params: Param[], body: Stmt[], defined: Scope): PyFunction {
    const uses = namesUsed(body);
    const declared = new Set(params.map((p) => p.name));
    return new PyFunction(name, (args, kwargs) => {
      if (this.depth >= MAX_CALL_DEPTH) throw new PyError('RecursionError', 'maximum recursion depth exceeded');
      const scope = new Scope(defined);
      const rest = new Map(kwargs);
      params.forEach((p, i) => {
        let value: Value | undefined = args[i];
        if (value === undefined && rest.has(p.name)) {
          value = rest.get(p.name);
          rest.delete(p.name);
        }
        if (value === undefined) value = p.default ? this.eval(p.default, scope) : new Undefined(`parameter '${p.name}' was not provided`);
        scope.vars.set(p.name, value);
      });
      if (uses.has('caller') && !declared.has('caller')) {
        scope.vars.set('caller', rest.has('caller') ? rest.get('caller') : new Undefined('No caller defined'));
        rest.delete('caller');
      }
      if (uses.has('kwargs')) scope.vars.set('kwargs', new Map(rest));
      else if (rest.size) {
        const first = [...rest.keys()][0];
        if (first === 'caller') throw typeError(`macro '${name}' was invoked with two values for the special caller argument. This is most likely a bug.`);
        throw typeError(`macro '${name}' takes no keyword argument '${first}'`);
      }
      if (uses.has('varargs')) scope.vars.set('varargs', tuple(args.slice(params.length)));
      else if (args.length > params.length) throw typeError(`macro '${name}' takes not more than ${params.length} argument(s)`);
      const out: Value[] = [];
      this.depth++;
      try {
        this.exec(body, scope, out);
      } finally {
        this.depth--;
      }
      return out.map(pyStr).join('');
    });
  }

  // ---- expressions --------------------------------------------------------------------------------------
  private lookup(name: string, scope: Scope): Value {
    const local = scope.lookup(name);
    if (local !== undefined) return local;
    if (this.context.has(name)) return this.context.get(name);
    const g = this.env.global(name);
    return g !== undefined ? g : new Undefined(`'${name}' is undefined`);
  }

  eval(e: Expr, scope: Scope): Value {
    switch (e.k) {
      case 'const': return e.value;
      case 'name': return this.lookup(e.name, scope);
      case 'getattr': return getAttr(this.eval(e.obj, scope), e.attr);
      case 'getitem': {
        const obj = this.eval(e.obj, scope);
        if (e.arg.k === 'slice') {
          const part = (x?: Expr) => (x ? this.eval(x, scope) : undefined);
          return getSlice(obj, part(e.arg.start), part(e.arg.stop), part(e.arg.step));
        }
        return getItem(obj, this.eval(e.arg, scope));
      }
      case 'slice': throw typeError('a slice is only valid inside []');
      case 'call': {
        const fn = this.eval(e.fn, scope);
        const [args, kwargs] = this.args(e, scope);
        return this.invoke(fn, args, kwargs);
      }
      case 'filter': return this.applyFilter(e, e.node ? this.eval(e.node, scope) : '', scope);
      case 'test': {
        const [args, kwargs] = this.args(e, scope);
        return this.callTest(e.name, this.eval(e.node, scope), args, kwargs);
      }
      case 'binop': return binary(e.op, this.eval(e.left, scope), this.eval(e.right, scope));
      case 'concat': return concat(e.nodes.map((n) => this.eval(n, scope)));
      case 'compare': {
        let left = this.eval(e.expr, scope);
        for (const [op, node] of e.ops) {
          const right = this.eval(node, scope);
          if (!compare(op, left, right)) return false;
          left = right;
        }
        return true;
      }
      case 'and': {
        const left = this.eval(e.left, scope);
        return truthy(left) ? this.eval(e.right, scope) : left;
      }
      case 'or': {
        const left = this.eval(e.left, scope);
        return truthy(left) ? left : this.eval(e.right, scope);
      }
      case 'not': return !truthy(this.eval(e.node, scope));
      case 'neg': return negate(this.eval(e.node, scope), -1);
      case 'pos': return negate(this.eval(e.node, scope), 1);
      case 'condexpr':
        if (truthy(this.eval(e.test, scope))) return this.eval(e.expr1, scope);
        return e.expr2 ? this.eval(e.expr2, scope) : new Undefined('the inline if-expression evaluated to false and no else section was defined.');
      case 'list': return e.items.map((x) => this.eval(x, scope));
      case 'tuple': return tuple(e.items.map((x) => this.eval(x, scope)));
      case 'dict': {
        const map = new Map<Value, Value>();
        for (const [k, v] of e.items) map.set(dictKey(this.eval(k, scope)), this.eval(v, scope));
        return map;
      }
    }
  }

  private applyFilter(node: Expr, value: Value, scope: Scope): Value {
    if (node.k !== 'filter') throw typeError('expected a filter');
    const inner = node.node ? this.eval(node.node, scope) : value;
    const [args, kwargs] = this.args(node, scope);
    return this.callFilter(node.name, inner, args, kwargs);
  }

  private args(call: CallArgs, scope: Scope): [Value[], Kwargs] {
    const args = call.args.map((a) => this.eval(a, scope));
    if (call.dynArgs) args.push(...iterate(this.eval(call.dynArgs, scope)));
    const kwargs: Kwargs = new Map();
    for (const [k, v] of call.kwargs) kwargs.set(k, this.eval(v, scope));
    if (call.dynKwargs) {
      const extra = this.eval(call.dynKwargs, scope);
      if (!(extra instanceof Map)) throw typeError(`argument after ** must be a mapping, not ${typeName(extra)}`);
      for (const [k, v] of extra) {
        if (typeof k !== 'string') throw typeError('keywords must be strings');
        kwargs.set(k, v);
      }
    }
    return [args, kwargs];
  }

  private invoke(fn: Value, args: Value[], kwargs: Kwargs): Value {
    if (fn instanceof Undefined) undefinedFail(fn);
    if (fn instanceof PyFunction) return fn.call(args, kwargs);
    if (fn instanceof LoopContext) return fn.invoke(args);
    if (fn instanceof PyObject && fn.invoke) return fn.invoke(args, kwargs);
    throw typeError(`'${typeName(fn)}' object is not callable`);
  }
}

const namesCache = new WeakMap<Stmt[], Set<string>>();

/** Names a macro body reads (to know whether it takes `varargs`, `kwargs` or `caller`). */
function namesUsed(body: Stmt[]): Set<string> {
  const cached = namesCache.get(body);
  if (cached) return cached;
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const x of node) visit(x);
    } else if (node && typeof node === 'object' && !(node instanceof PyObject)) {
      const n = node as { k?: string; name?: string };
      if (n.k === 'name' && typeof n.name === 'string') names.add(n.name);
      for (const v of Object.values(node)) visit(v);
    }
  };
  visit(body);
  namesCache.set(body, names);
  return names;
}
