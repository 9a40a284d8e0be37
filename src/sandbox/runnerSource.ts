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

  function compile(kind, name, code) {
    var fn = kind === 'filter'
      ? FunctionCtor('record', code)
      : FunctionCtor('record', 'value', 'field', 'params', code);
    snippets[kind + ':' + name] = { fn: fn };
  }

  // Results leave as JSON text built here, entry by entry, so that each entry's size is known before it is kept
  // (the host must never receive more than its output limits). Errors leave as data, not sentences: the host
  // words them, and quotes the only part a snippet wrote (what it threw). Shapes (protocol.ts, WireItem):
  //   record: [filter, entry...], filter: null (none) | 1 (passed) | 0 (filtered out) | a fault entry
  //   entry: [v] (the value) | {"threw": text, "line": n} | {"fault": code, ...}
  // Compact because every character of it is built here, in an interpreter, and parsed again by the host.
  var VALUE_NULL = '[null]';
  var ASYNC = '{"fault":"async"}';
  var UNKNOWN = '{"fault":"unknown"}';
  var DEPTH = '{"fault":"depth"}';
  var RUN_LIMIT = '{"fault":"run-limit"}';
  var VALUE_WRAPPING = '[]'.length;
  var ALWAYS_KEPT = 64;
  var MAX_THROWN_TEXT = 1000;
  var keysOf = Object.keys;
  var sliceString = FunctionCtor.prototype.call.bind(StringCtor.prototype.slice);
  var join = FunctionCtor.prototype.call.bind(Array.prototype.join);
  // What may still be returned in this run, and for the record being run (characters of JSON text).
  var runLeft = 0, recordLeft = 0, recordCap = 0, maxDepth = 0;
  // Per template of this run: the last short string a converter returned, and its entry ('[' + JSON + ']'); the
  // entry is read as a string's own characters (entry[0]), not through String.prototype, which snippets can change.
  var repeated = [], repeatedEntry = [];

  // '"threw": text' for the entry; a long text is cut here and its full length sent along.
  function thrownField(e) {
    var text;
    try {
      text = e instanceof ErrorCtor ? StringCtor(e.name) + ': ' + StringCtor(e.message) : StringCtor(e);
    } catch (_) {
      text = 'threw a value that cannot be printed';
    }
    if (text.length <= MAX_THROWN_TEXT) return '"threw":' + stringify(text);
    return '"threw":' + stringify(sliceString(text, 0, MAX_THROWN_TEXT)) + ',"length":' + text.length;
  }

  // The line of the snippet body that threw, when the stack says (1 = first line of the body).
  function bodyLine(e) {
    try {
      var m = e instanceof ErrorCtor && typeof e.stack === 'string' ? STACK_LINE.exec(e.stack) : null;
      return m ? +m[1] - BODY_FIRST_LINE + 1 : 0;
    } catch (_) {
      return 0;
    }
  }

  function threwEntry(e) {
    var line = bodyLine(e);
    return '{' + thrownField(e) + (line > 0 ? ',"line":' + line : '') + '}';
  }

  function isThenable(v) {
    return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof v.then === 'function';
  }

  function tooLarge(size) {
    return size > recordLeft ? '{"fault":"record-limit","size":' + size + '}' : RUN_LIMIT;
  }

  // Bounded walk (never deeper than levels + 1): refuses a deep value before JSON.stringify spends long on it
  // (QuickJS's is slow on deep values and can overflow the native stack). The host checks the depth again after parsing.
  function deeperThan(v, levels) {
    if (v === null || typeof v !== 'object') return false;
    if (levels === 0) return true;
    if (isArray(v)) {
      for (var i = 0; i < v.length; i++) if (deeperThan(v[i], levels - 1)) return true;
      return false;
    }
    var keys = keysOf(v);
    for (var k = 0; k < keys.length; k++) if (deeperThan(v[keys[k]], levels - 1)) return true;
    return false;
  }

  // undefined, functions and symbols cannot cross as JSON: they become null (documented in README.md).
  // Runs inside the caller's try/catch and trace position: a looping toJSON or getter is blamed on its converter.
  function valueEntry(result) {
    if (isThenable(result)) return ASYNC;
    if (result === undefined || typeof result === 'function' || typeof result === 'symbol') return VALUE_NULL;
    // A string's entry is at least its length + 4: a huge string is refused without copying it again.
    if (typeof result === 'string' && result.length + VALUE_WRAPPING + 2 > (recordLeft < runLeft ? recordLeft : runLeft)) {
      return tooLarge(result.length + VALUE_WRAPPING + 2);
    }
    if (typeof result === 'object' && result !== null && deeperThan(result, maxDepth)) return DEPTH;
    var text;
    try {
      text = stringify(result);
    } catch (e) {
      return '{"fault":"json",' + thrownField(e) + '}';
    }
    return text === undefined ? VALUE_NULL : '[' + text + ']';
  }

  // Every entry counts against both limits. One that does not fit is replaced by a fault entry; entries this
  // small are always kept, so the host can bound a reply by the limits plus a few characters per entry.
  function keep(entry) {
    if (entry.length > ALWAYS_KEPT && (entry.length > recordLeft || entry.length > runLeft)) entry = tooLarge(entry.length);
    recordLeft -= entry.length;
    runLeft -= entry.length;
    return entry;
  }

  // Rebuilds a record from its shape's keys and the values at flat[at...] (see src/sandbox/encode.ts for the wire format).
  function buildRecord(keys, flat, at) {
    var record = Object.create(recordProto);
    for (var k = 0; k < keys.length; k++) {
      var key = keys[k];
      // Plain assignment of "__proto__" would replace the prototype; JSON.parse makes it an own field, so do we.
      if (key === '__proto__') defineProperty(record, key, { value: flat[at + k], writable: true, enumerable: true, configurable: true });
      else record[key] = flat[at + k];
    }
    return record;
  }

  // A record whose filter did not pass it (or failed): no converter ran.
  function filterText(entry) {
    return '[' + keep(entry) + ']';
  }

  // One record's result as JSON text: [filter, entry...]. The record starts at flat[at]: its values (keys: its
  // shape's, null: one value, the record itself), then one value per call. calls: the template of each call;
  // converters: the snippet of each template; filtered: whether the layout names a filter (filter: its snippet,
  // null: unknown).
  function runItem(flat, at, keys, filtered, filter, calls, templates, converters, trace) {
    var record = keys === null ? flat[at] : buildRecord(keys, flat, at);
    var first = at + (keys === null ? 1 : keys.length), out = 'null';
    recordLeft = recordCap;
    if (filtered) {
      var verdict;
      if (!filter) return filterText(UNKNOWN);
      if (trace) progress(-1);
      try {
        verdict = filter.fn(record);
        if (isThenable(verdict)) return filterText(ASYNC);
      } catch (e) {
        return filterText(threwEntry(e));
      }
      if (!verdict) return filterText('0');
      out = keep('1');
    }
    for (var k = 0; k < calls.length; k++) {
      var t = calls[k], s = converters[t], entry;
      if (!s) entry = UNKNOWN;
      else {
        if (trace) progress(k);
        try {
          var result = s.fn(record, flat[first + k], templates[t][1], templates[t][2]);
          // A converter often returns the same few strings (a status, a type): their entry is built once.
          if (typeof result === 'string' && result === repeated[t]) entry = repeatedEntry[t];
          else {
            entry = valueEntry(result);
            if (typeof result === 'string' && entry.length <= ALWAYS_KEPT && entry[0] === '[') {
              repeated[t] = result;
              repeatedEntry[t] = entry;
            }
          }
        } catch (e) {
          entry = threwEntry(e);
        }
      }
      // keep(), inlined for the entries that are always kept (most are): this runs per value.
      if (entry.length > ALWAYS_KEPT) entry = keep(entry);
      else {
        recordLeft -= entry.length;
        runLeft -= entry.length;
      }
      out += ',' + entry;
    }
    return '[' + out + ']';
  }

  function snippetOrNull(key) {
    return hasOwn(snippets, key) ? snippets[key] : null;
  }

  // perRecord, perRun: characters of result JSON per record and for this whole run; depth: levels of nesting.
  function run(json, trace, perRecord, perRun, depth) {
    var batch = parse(json), flat = batch.i, shapes = batch.s, templates = batch.t, layouts = batch.l, out = [], n = 0;
    recordCap = perRecord;
    runLeft = perRun;
    maxDepth = depth;
    // One params object serves every call of a template in the batch: read-only, so calls cannot leak into each other.
    var converters = new Array(templates.length);
    repeated = new Array(templates.length);
    repeatedEntry = new Array(templates.length);
    for (var t = 0; t < templates.length; t++) {
      freeze(templates[t][2]);
      converters[t] = snippetOrNull('converter:' + templates[t][0]);
      // Own slots, no holes: a hole would be looked up on Array.prototype, which snippets can change.
      repeated[t] = null;
      repeatedEntry[t] = null;
    }
    // Runs of records of one layout: [layout, count, values...] (src/sandbox/encode.ts).
    for (var at = 0; at < flat.length;) {
      var layout = layouts[flat[at]], count = flat[at + 1];
      var keys = layout[0] === -1 ? null : shapes[layout[0]], filterName = layout[1], calls = layout[2];
      var filter = filterName === null ? null : snippetOrNull('filter:' + filterName);
      var width = (keys === null ? 1 : keys.length) + calls.length;
      at += 2;
      for (var r = 0; r < count; r++, at += width) {
        out[n++] = runItem(flat, at, keys, filterName !== null, filter, calls, templates, converters, trace);
      }
    }
    if (trace) progress(-2);
    return '[' + join(out, ',') + ']';
  }

  return { compile: compile, run: run };
})
`;
