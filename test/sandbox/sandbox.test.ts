import { createSandbox, QuickJsSandbox } from '../../src/sandbox/sandbox.js';
import type { SnippetSandbox } from '../../src/sandbox/types.js';
import { ConfigErrors } from '../../src/errors.js';
import { call, converter, filter, only } from './helpers.js';

describe('converters and filters', () => {
  let sandbox: SnippetSandbox;
  beforeAll(async () => {
    sandbox = await createSandbox([
      converter('upper', 'return String(value).toUpperCase()'),
      converter('describe', 'return field + "=" + value + " sep=" + params.sep + " flag=" + params.utc'),
      converter('position', 'return record.get("position", "Unknown position")'),
      converter('nested', 'return [record.get("hardware.serial"), record.get("items.1.name"), record.get("a.b"), record.get("missing.deep")]'),
      converter('pythonic', 'return [None, True, False, record.get("x") == None]'),
      converter('keys', 'return [Object.keys(record), JSON.stringify(record), typeof record.get]'),
      converter('mutates', 'record.seen = (record.seen || 0) + 1; return record.seen'),
      converter('throws', 'let x = 1;\nthrow new Error("no serial for " + record.name)', 40),
      converter('throwsString', 'throw "plain text"'),
      converter('shapes', 'return { u: undefined, f() {}, n: NaN, d: new Date(0), list: [undefined, 1] }'),
      converter('undef', 'return undefined'),
      converter('fn', 'return function () {}'),
      converter('big', 'return 10n'),
      converter('promise', 'return Promise.resolve(1)'),
      converter('whole', 'return [Object.keys(record), record.get("gone", "default"), Object.getPrototypeOf(record) === Object.prototype]'),
      converter('rawRecord', 'return record'),
      converter('touchParams', 'params.sep = "changed"; return params.sep'),
      filter('return record.asset_type == "computer"'),
      filter('return record.missing.field', 'brokenfilter'),
    // These tests are not about the time limit: on a loaded machine the default 100 ms can run out for any record.
    ], { timeoutMsPerRecord: 5_000 });
  });
  afterAll(() => sandbox.close());

  test('converter gets value, field and params', async () => {
    const [r] = await sandbox.run([{
      record: {},
      calls: [call('upper', 'abc'), call('describe', 7, 'SERIAL', { sep: '/', utc: true })],
    }]);
    expect(r).toEqual({ values: [{ value: 'ABC' }, { value: 'SERIAL=7 sep=/ flag=true' }] });
  });

  test('filter passes truthy, rejects falsy, and skips converters of rejected records', async () => {
    const results = await sandbox.run([
      { record: { asset_type: 'computer' }, filter: 'recordfilter', calls: [call('upper', 'x')] },
      { record: { asset_type: 'phone' }, filter: 'recordfilter', calls: [call('upper', 'y')] },
    ]);
    expect(results).toEqual([
      { filter: { pass: true }, values: [{ value: 'X' }] },
      { filter: { pass: false }, values: [] },
    ]);
  });

  test('record.get follows dotted paths like the mappings and returns the default when missing', async () => {
    const record = { hardware: { serial: 'S1' }, items: [{ name: 'a' }, { name: 'b' }], 'a.b': 'dotted key', position: 'CTO' };
    const [withPosition, withoutPosition] = await sandbox.run([
      { record, calls: [call('nested'), call('position')] },
      only('position', {}),
    ]);
    expect(withPosition.values).toEqual([{ value: ['S1', 'b', 'dotted key', null] }, { value: 'CTO' }]);
    expect(withoutPosition.values).toEqual([{ value: 'Unknown position' }]);
  });

  test('None/True/False exist, and get() is invisible to keys and JSON', async () => {
    const [py, keys] = await sandbox.run([only('pythonic', { x: null }), only('keys', { a: 1 })]);
    expect(py.values).toEqual([{ value: [null, true, false, true] }]);
    expect(keys.values).toEqual([{ value: [['a'], '{"a":1}', 'function'] }]);
  });

  test('a field called "get" is kept as data', async () => {
    const [r] = await sandbox.run([only('keys', { get: 'data' })]);
    expect(r.values).toEqual([{ value: [['get'], '{"get":"data"}', 'string'] }]);
  });

  test('converters of one record share the record object, in call order', async () => {
    const [r] = await sandbox.run([{ record: {}, calls: [call('mutates'), call('mutates')] }]);
    expect(r.values).toEqual([{ value: 1 }, { value: 2 }]);
  });

  test('a throwing converter gives an error naming it and its line; later calls still run', async () => {
    const [r] = await sandbox.run([{ record: { name: 'pc1' }, calls: [call('throws'), call('upper', 'ok'), call('throwsString')] }]);
    expect(r.values).toEqual([
      { error: 'converter "throws" (config.ini:41): "Error: no serial for pc1"' },
      { value: 'OK' },
      { error: 'converter "throwsString": "plain text"' },
    ]);
  });

  test('a throwing filter gives a filter error and no converter results', async () => {
    const [r] = await sandbox.run([{ record: {}, filter: 'brokenfilter', calls: [call('upper', 'x')] }]);
    expect(r.values).toEqual([]);
    expect(r.filter).toEqual({ error: expect.stringMatching(/^filter "brokenfilter" \(line 1 of the snippet\): "TypeError: .*field/) });
  });

  test('unknown snippet names are errors, not crashes', async () => {
    const results = await sandbox.run([
      { record: {}, calls: [call('nope')] },
      { record: {}, filter: 'nofilter', calls: [call('upper', 'x')] },
    ]);
    expect(results).toEqual([
      { values: [{ error: 'unknown converter "nope"' }] },
      { filter: { error: 'unknown filter "nofilter"' }, values: [] },
    ]);
  });

  test('values are normalised to JSON', async () => {
    const results = await sandbox.run(['shapes', 'undef', 'fn', 'big', 'promise'].map((name) => only(name)));
    expect(results.map((r) => r.values[0])).toEqual([
      { value: { n: null, d: '1970-01-01T00:00:00.000Z', list: [null, 1] } },
      { value: null },
      { value: null },
      { error: expect.stringMatching(/^converter "big": the result cannot be sent as JSON/) },
      { error: 'converter "promise": returned a Promise; snippets run synchronously (no await, no import())' },
    ]);
  });

  test('a missing value arrives as null, as None did in the original', async () => {
    const [r] = await sandbox.run([{ record: {}, calls: [call('describe', undefined, 'F', {})] }]);
    expect(r.values).toEqual([{ value: 'F=null sep=undefined flag=undefined' }]);
  });

  test('a record that cannot cross as JSON fails alone', async () => {
    const results = await sandbox.run([only('upper', {}, 'a'), only('upper', { n: 1n }, 'b'), only('upper', {}, 'c')]);
    expect(results[0].values).toEqual([{ value: 'A' }]);
    expect(results[1].values[0]).toEqual({ error: expect.stringMatching(/cannot be sent to the sandbox as JSON/) });
    expect(results[2].values).toEqual([{ value: 'C' }]);
  });

  test('records keep their exact fields across the wire, whatever their shapes', async () => {
    const results = await sandbox.run([
      only('whole', { a: 1, b: { c: [1, 2] } }),
      only('whole', { b: 2, a: 1, gone: undefined, fn: () => 1 }),
      only('whole', JSON.parse('{"__proto__": {"x": 1}, "z": 0}') as Record<string, unknown>),
      only('rawRecord', { a: 1, b: { c: [1, 2] } }),
    ]);
    expect(results.map((r) => r.values[0])).toEqual([
      { value: [['a', 'b'], 'default', false] },
      { value: [['b', 'a'], 'default', false] },
      { value: [['__proto__', 'z'], 'default', false] },
      { value: { a: 1, b: { c: [1, 2] } } },
    ]);
  });

  test('records of different shapes, filters and calls, interleaved in one batch, each get their own results', async () => {
    // The wire groups consecutive records of one layout (src/sandbox/encode.ts): every change of layout, and a
    // layout seen before coming back, must still line each record up with its own values.
    const computer = (name: string) => ({ asset_type: 'computer', name });
    const results = await sandbox.run([
      { record: computer('a'), filter: 'recordfilter', calls: [call('upper', 'a1'), call('describe', 'a2', 'F', { sep: '-' })] },
      { record: computer('b'), filter: 'recordfilter', calls: [call('upper', 'b1'), call('describe', 'b2', 'F', { sep: '-' })] },
      { record: { asset_type: 'phone' }, filter: 'recordfilter', calls: [call('upper', 'c1'), call('describe', 'c2', 'F', { sep: '-' })] },
      { record: ['not', 'a', 'plain', 'record'] as never, calls: [call('rawRecord')] },
      { record: { other: 1 }, calls: [] },
      { record: { other: 2 }, calls: [call('upper', 'e1'), call('upper', 'e2'), call('upper', 'e3')] },
      { record: computer('f'), filter: 'recordfilter', calls: [call('upper', 'f1'), call('describe', 'f2', 'F', { sep: '-' })] },
      { record: 'text' as never, calls: [call('rawRecord')] },
    ]);
    expect(results).toEqual([
      { filter: { pass: true }, values: [{ value: 'A1' }, { value: 'F=a2 sep=- flag=undefined' }] },
      { filter: { pass: true }, values: [{ value: 'B1' }, { value: 'F=b2 sep=- flag=undefined' }] },
      { filter: { pass: false }, values: [] },
      { values: [{ value: ['not', 'a', 'plain', 'record'] }] },
      { values: [] },
      { values: [{ value: 'E1' }, { value: 'E2' }, { value: 'E3' }] },
      { filter: { pass: true }, values: [{ value: 'F1' }, { value: 'F=f2 sep=- flag=undefined' }] },
      { values: [{ value: 'text' }] },
    ]);
  });

  test('a converter returning the same string for many records, then others, gets each result right', async () => {
    // The runner builds the entry of a repeated short string once per template; a long one is never reused.
    const long = 'x'.repeat(200);
    const values = ['In use', 'In use', 'Retired', 'In use', long, long, 'in use', 'In use'];
    const results = await sandbox.run(values.map((v) => ({ record: {}, calls: [call('rawRecord'), call('describe', v)] })));
    expect(results.map((r) => r.values[1])).toEqual(values.map((v) => ({ value: `FIELD=${v} sep=undefined flag=undefined` })));
  });

  test('params are read-only, so one call cannot change the next', async () => {
    const params = { sep: '/' };
    const results = await sandbox.run([
      { record: {}, calls: [call('touchParams', null, 'F', params)] },
      { record: {}, calls: [call('touchParams', null, 'F', params)] },
    ]);
    expect(results.map((r) => r.values[0])).toEqual([{ value: '/' }, { value: '/' }]);
    expect(params.sep).toBe('/');
  });

  test('large batches are split and keep their order', async () => {
    const items = Array.from({ length: 2500 }, (_, i) => only('upper', {}, `r${i}`));
    const results = await sandbox.run(items);
    expect(results).toHaveLength(2500);
    expect(results[0].values).toEqual([{ value: 'R0' }]);
    expect(results[1999].values).toEqual([{ value: 'R1999' }]);
    expect(results[2499].values).toEqual([{ value: 'R2499' }]);
  });

  test('concurrent runs are queued, each gets its own results', async () => {
    const [a, b] = await Promise.all([sandbox.run([only('upper', {}, 'a')]), sandbox.run([only('upper', {}, 'b')])]);
    expect(a[0].values).toEqual([{ value: 'A' }]);
    expect(b[0].values).toEqual([{ value: 'B' }]);
  });
});

describe('global state', () => {
  const counter = converter('count', 'globalThis.n = (globalThis.n || 0) + 1; return n');

  test('persists between records within one sandbox, not across sandboxes', async () => {
    const first = await createSandbox([counter]);
    const second = await createSandbox([counter]);
    try {
      const a = await first.run([only('count'), only('count'), only('count')]);
      const b = await second.run([only('count')]);
      expect(a.map((r) => r.values[0])).toEqual([{ value: 1 }, { value: 2 }, { value: 3 }]);
      expect(b.map((r) => r.values[0])).toEqual([{ value: 1 }]);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });
});

describe('time limit', () => {
  let sandbox: QuickJsSandbox;
  beforeAll(async () => {
    sandbox = (await createSandbox([
      converter('upper', 'return String(value).toUpperCase()'),
      converter('loop', 'while (true) {}'),
      // Each iteration is one long built-in call, so the interrupt handler is polled too rarely: the host must stop it.
      converter('builtinLoop', 'while (true) new Array(2e5).fill(7).join()'),
      filter('for (;;) {}', 'loopfilter'),
    // 250 ms, not less: the records that do not loop must finish within it on a loaded machine too.
    ], { timeoutMsPerRecord: 250 })) as QuickJsSandbox;
  });
  afterAll(() => sandbox.close());

  test('an infinite loop fails only its record, names the snippet, and the worker is replaced', async () => {
    const before = sandbox.workersStarted;
    const items = ['a', 'b', 'c', 'd'].map((v) => only('upper', {}, v));
    items.splice(2, 0, { record: {}, calls: [call('upper', 'x'), call('loop')] });
    const results = await sandbox.run(items);
    expect(results.map((r) => r.values)).toEqual([
      [{ value: 'A' }],
      [{ value: 'B' }],
      [{ error: 'record abandoned: converter "loop" timed out after 250 ms' }, { error: 'converter "loop" timed out after 250 ms' }],
      [{ value: 'C' }],
      [{ value: 'D' }],
    ]);
    expect(sandbox.workersStarted).toBeGreaterThan(before);
    const next = await sandbox.run([only('upper', {}, 'next'), only('upper', {}, 'batch')]);
    expect(next.map((r) => r.values)).toEqual([[{ value: 'NEXT' }], [{ value: 'BATCH' }]]);
  });

  test('a looping filter is named in the filter error', async () => {
    const results = await sandbox.run([
      { record: {}, filter: 'loopfilter', calls: [call('upper', 'x')] },
      only('upper', {}, 'fine'),
    ]);
    expect(results).toEqual([
      { filter: { error: 'filter "loopfilter" timed out after 250 ms' }, values: [] },
      { values: [{ value: 'FINE' }] },
    ]);
  });

  test('a loop the interrupt handler cannot stop in time is ended by terminating the worker', async () => {
    const results = await sandbox.run([only('builtinLoop'), only('upper', {}, 'after')]);
    expect(results.map((r) => r.values)).toEqual([
      [{ error: 'converter "builtinLoop" timed out after 250 ms' }],
      [{ value: 'AFTER' }],
    ]);
  });
});

describe('memory limit', () => {
  test('a memory bomb ends with an error for its record; the host lives and later batches work', async () => {
    const sandbox = await createSandbox([
      converter('bomb', "let a = []; while (true) a.push('x'.repeat(1e6))"),
      converter('upper', 'return String(value).toUpperCase()'),
    // A generous time limit: on a busy machine the default 100 ms may run out before 32 MB do, and this test is
    // about the memory limit.
    ], { memoryMb: 32, timeoutMsPerRecord: 5_000 });
    // Measured as growth: the jest worker's own heap already holds whatever earlier test files left behind.
    const heapBefore = process.memoryUsage().heapUsed;
    try {
      const results = await sandbox.run([only('upper', {}, 'a'), only('bomb'), only('upper', {}, 'b')]);
      expect(results[0].values).toEqual([{ value: 'A' }]);
      expect(results[1].values[0]).toEqual({ error: expect.stringMatching(/^converter "bomb".*out of memory/) });
      expect(results[2].values).toEqual([{ value: 'B' }]);
      const next = await sandbox.run([only('upper', {}, 'later'), only('upper', {}, 'too')]);
      expect(next.map((r) => r.values)).toEqual([[{ value: 'LATER' }], [{ value: 'TOO' }]]);
      // The bomb's 1 MB strings stayed in the capped wasm memory of the worker.
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(128 * 1024 * 1024);
    } finally {
      await sandbox.close();
    }
  });
});

describe('createSandbox', () => {
  test('rejects snippets that do not compile and duplicate names, all at once', async () => {
    const attempt = createSandbox([
      converter('bad', 'return 1 +', 12),
      converter('twice', 'return 1'),
      converter('twice', 'return 2'),
    ]);
    await expect(attempt).rejects.toBeInstanceOf(ConfigErrors);
    await expect(attempt).rejects.toThrow(/\[converters\] bad: does not compile: config\.ini:12: SyntaxError/);
    await expect(attempt).rejects.toThrow(/converter "twice" is defined more than once/);
  });

  test('rejects limits that cannot work', async () => {
    await expect(createSandbox([], { memoryMb: 8 })).rejects.toThrow(/memoryMb must be a whole number of at least 16/);
    await expect(createSandbox([], { timeoutMsPerRecord: 0 })).rejects.toThrow(/timeoutMsPerRecord/);
  });

  test('run after close rejects', async () => {
    const sandbox = await createSandbox([converter('upper', 'return value')]);
    await sandbox.close();
    await expect(sandbox.run([only('upper')])).rejects.toThrow(/closed/);
  });
});
