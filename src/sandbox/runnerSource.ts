/**
 * The JavaScript that runs INSIDE QuickJS: it compiles the snippets and runs a batch of items.
 * It is evaluated once per runtime and evaluates to `{ compile, run }`; the worker keeps handles to both
 * and never puts them on the global object, so snippets cannot replace them.
 *
 * Written defensively: snippets share this runtime's globals, so the runner captures the built-ins it needs
 * up front and keeps its snippet table in a null-prototype object (a snippet that rewrites
 * `Map.prototype.get` or `JSON.parse` later does not change how the runner finds or returns things).
 *
 * Line numbers: QuickJS's `Function` puts the body on line 3 of its generated source (`(function
 * anonymous(params` / `) {` / body), and names that source `<input>` in stacks.
 */
export const RUNNER_SOURCE = String.raw`
(function (progress) {
  'use strict';
  var parse = JSON.parse, stringify = JSON.stringify;
  var hasOwnProperty = Object.prototype.hasOwnProperty;
  var defineProperty = Object.defineProperty, freeze = Object.freeze;
  var isArray = Array.isArray, FunctionCtor = Function, ErrorCtor = Error, StringCtor = String;
  var BODY_FIRST_LINE = 3;
  var STACK_LINE = /<input>:(\d+)/;
  var DIGITS = /^\d+$/;
  var snippets = Object.create(null);

  // Python-era spellings, so ported filters such as "return record.get('x') == None" keep reading naturally.
  defineProperty(globalThis, 'None', { value: null });
  defineProperty(globalThis, 'True', { value: true });
  defineProperty(globalThis, 'False', { value: false });

  function hasOwn(o, k) { return hasOwnProperty.call(o, k); }

  // Same rules as the mapping paths (src/pipeline/mapping.ts getPath): a key that itself contains dots wins.
  function getPath(data, path) {
    if (data === null || typeof data !== 'object') return undefined;
    if (hasOwn(data, path)) return data[path];
    var dot = path.indexOf('.');
    if (dot < 0) return undefined;
    var head = path.slice(0, dot), rest = path.slice(dot + 1);
    if (isArray(data)) return DIGITS.test(head) ? getPath(data[+head], rest) : undefined;
    return hasOwn(data, head) ? getPath(data[head], rest) : undefined;
  }

  // Records get get() from their prototype: it is not enumerable, and a field really called "get" is not overwritten.
  var recordProto = Object.create(Object.prototype);
  defineProperty(recordProto, 'get', {
    value: function get(name, fallback) {
      var found = getPath(this, StringCtor(name));
      return found === undefined ? (fallback === undefined ? null : fallback) : found;
    },
    writable: true, configurable: true,
  });

  function compile(kind, name, code, file, line) {
    var fn = kind === 'filter'
      ? FunctionCtor('record', code)
      : FunctionCtor('record', 'value', 'field', 'params', code);
    var label = (kind === 'filter' ? 'filter "' : 'converter "') + name + '"';
    snippets[kind + ':' + name] = { fn: fn, label: label, file: file, line: line };
  }

  function describe(snippet, e) {
    var text, where = '';
    try {
      text = e instanceof ErrorCtor ? e.name + ': ' + e.message : StringCtor(e);
    } catch (_) {
      text = 'threw a value that cannot be printed';
    }
    try {
      var m = e instanceof ErrorCtor && typeof e.stack === 'string' ? STACK_LINE.exec(e.stack) : null;
      if (m) {
        var bodyLine = +m[1] - BODY_FIRST_LINE + 1;
        where = snippet.file && snippet.line
          ? ' (' + snippet.file + ':' + (snippet.line + bodyLine - 1) + ')'
          : ' (line ' + bodyLine + ' of the snippet)';
      }
    } catch (_) {}
    return snippet.label + where + ': ' + text;
  }

  function isThenable(v) {
    return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof v.then === 'function';
  }

  function asyncError(snippet) {
    return { error: snippet.label + ': returned a Promise; snippets run synchronously (no await, no import())' };
  }

  // undefined, functions and symbols cannot cross as JSON: they become null (documented in README.md).
  function outcome(snippet, result) {
    if (isThenable(result)) return asyncError(snippet);
    if (result === undefined || typeof result === 'function' || typeof result === 'symbol') return { value: null };
    return { value: result };
  }

  // Rebuilds a record from its shape (see src/sandbox/encode.ts for the wire format).
  function buildRecord(keys, values) {
    var record = Object.create(recordProto);
    for (var k = 0; k < keys.length; k++) {
      var key = keys[k];
      // Plain assignment of "__proto__" would replace the prototype; JSON.parse makes it an own field, so do we.
      if (key === '__proto__') defineProperty(record, key, { value: values[k], writable: true, enumerable: true, configurable: true });
      else record[key] = values[k];
    }
    return record;
  }

  function runItem(row, shapes, templates, trace) {
    var record = row[0] === -1 ? row[1] : buildRecord(shapes[row[0]], row[1]);
    var filterName = row[2], packed = row[3], result = { values: [] };
    if (filterName !== null) {
      var f = snippets['filter:' + filterName];
      if (!f) { result.filter = { error: 'unknown filter "' + filterName + '"' }; return result; }
      if (trace) progress(-1);
      try {
        var verdict = f.fn(record);
        result.filter = isThenable(verdict) ? asyncError(f) : { pass: !!verdict };
      } catch (e) {
        result.filter = { error: describe(f, e) };
      }
      if (!result.filter.pass) return result;
    }
    var values = result.values;
    for (var k = 0; k < packed.length / 2; k++) {
      var t = templates[packed[2 * k]], value = packed[2 * k + 1], s = snippets['converter:' + t[0]];
      if (!s) { values[k] = { error: 'unknown converter "' + t[0] + '"' }; continue; }
      if (trace) progress(k);
      try {
        values[k] = outcome(s, s.fn(record, value, t[1], t[2]));
      } catch (e) {
        values[k] = { error: describe(s, e) };
      }
    }
    return result;
  }

  // Slow path, only when the whole batch does not serialise (BigInt, cycles, a throwing toJSON): find the culprits.
  function serialiseEach(rows, templates, out) {
    for (var i = 0; i < out.length; i++) {
      var values = out[i].values;
      for (var k = 0; k < values.length; k++) {
        if (!hasOwn(values[k], 'value')) continue;
        try {
          stringify(values[k].value);
        } catch (e) {
          var label = 'converter "' + templates[rows[i][3][2 * k]][0] + '"';
          values[k] = { error: label + ': the result cannot be sent as JSON (' + describe({ label: 'JSON' }, e) + ')' };
        }
      }
    }
    return stringify(out);
  }

  function run(json, trace) {
    var batch = parse(json), rows = batch.i, templates = batch.t, out = new Array(rows.length);
    // One params object serves every call of a template in the batch: read-only, so calls cannot leak into each other.
    for (var t = 0; t < templates.length; t++) freeze(templates[t][2]);
    for (var i = 0; i < rows.length; i++) out[i] = runItem(rows[i], batch.s, templates, trace);
    if (trace) progress(-2);
    try {
      return stringify(out);
    } catch (_) {
      return serialiseEach(rows, templates, out);
    }
  }

  return { compile: compile, run: run };
})
`;
