/**
 * What may cross back from the sandbox to the host (issue 11: #2 output size, #11 nesting, #20 log-safe errors),
 * and the hard stop's clock for a worker that is slow to pick up its first run.
 */
import { createSandbox, DEFAULT_LIMITS } from '../../src/sandbox/sandbox.js';
import type { SnippetSandbox } from '../../src/sandbox/types.js';
import { call, converter, filter, only } from './helpers.js';

const errorOf = (outcome: unknown): string => (outcome as { error: string }).error;

describe('output size limits', () => {
  let sandbox: SnippetSandbox;
  beforeAll(async () => {
    sandbox = await createSandbox([
      converter('upper', 'return String(value).toUpperCase()'),
      converter('chars', 'return "x".repeat(Number(value))'),
      // One cached string returned for every record: tiny inside the sandbox, huge once copied per record.
      converter('cached', 'globalThis.big ??= "y".repeat(3e6); return big'),
      converter('bigObject', 'return Array.from({ length: 2000 }, (_, i) => ({ i, text: "z".repeat(10) }))'),
    ], { maxOutputPerRecord: 10_000, maxOutputPerRun: 50_000 });
  });
  afterAll(() => sandbox.close());

  test('a result over the per-record limit fails that call, naming the converter and the limit; the others are kept', async () => {
    const results = await sandbox.run([only('upper', {}, 'a'), only('chars', {}, 20_000), only('bigObject'), only('upper', {}, 'b')]);
    expect(results[0].values).toEqual([{ value: 'A' }]);
    expect(errorOf(results[1].values[0])).toMatch(/^converter "chars": its result is too large \(at least 20004 characters of JSON; .* 10000 in all, setting max_converter_output\)$/);
    expect(errorOf(results[2].values[0])).toMatch(/^converter "bigObject": its result is too large/);
    expect(results[3].values).toEqual([{ value: 'B' }]);
  });

  test('the limit is for all the converters of a record together', async () => {
    const [r] = await sandbox.run([{ record: {}, calls: [call('chars', 6000), call('chars', 6000), call('upper', 'small')] }]);
    expect(r.values[0]).toEqual({ value: 'x'.repeat(6000) });
    expect(errorOf(r.values[1])).toMatch(/^converter "chars": its result is too large/);
    expect(r.values[2]).toEqual({ value: 'SMALL' });
  });

  test('a cached multi-MB string returned for every record never reaches the host', async () => {
    const before = process.memoryUsage().heapUsed;
    const results = await sandbox.run(Array.from({ length: 200 }, () => only('cached')));
    expect(results.every((r) => /^converter "cached": its result is too large/.test(errorOf(r.values[0])))).toBe(true);
    // 200 x 3 MB would be 600 MB of strings on the host.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(50 * 1024 * 1024);
  });

  test('one run() call (a chunk) has a total limit: later results fail, the next call starts afresh', async () => {
    const items = Array.from({ length: 12 }, () => only('chars', {}, 9000));
    const results = await sandbox.run(items);
    const kept = results.filter((r) => 'value' in r.values[0]).length;
    expect(kept).toBe(5);
    expect(results.slice(0, kept).every((r) => 'value' in r.values[0])).toBe(true);
    expect(errorOf(results[kept].values[0])).toMatch(
      /^converter "chars": its result was not kept: the converter results of this chunk of records reached 50000 characters of JSON \(setting max_converter_chunk_output\)$/,
    );
    const [next] = await sandbox.run([only('chars', {}, 9000)]);
    expect(next.values[0]).toEqual({ value: 'x'.repeat(9000) });
  });

  test('the total limit also holds when the records are re-run one by one', async () => {
    const looping = await createSandbox([
      converter('chars', 'return "x".repeat(Number(value))'),
      converter('loop', 'while (true) {}'),
    ], { maxOutputPerRecord: 10_000, maxOutputPerRun: 50_000, timeoutMsPerRecord: 50 });
    try {
      const items = [only('loop'), ...Array.from({ length: 8 }, () => only('chars', {}, 9000))];
      const results = await looping.run(items);
      expect(errorOf(results[0].values[0])).toBe('converter "loop" timed out after 50 ms');
      expect(results.filter((r) => 'value' in r.values[0])).toHaveLength(5);
    } finally {
      await looping.close();
    }
  });

  test('defaults: 1 MiB per record, 16 MiB per chunk, 64 levels', () => {
    expect(DEFAULT_LIMITS).toMatchObject({ maxOutputPerRecord: 1024 * 1024, maxOutputPerRun: 16 * 1024 * 1024, maxDepth: 64 });
  });

  test('limits that cannot work are refused', async () => {
    await expect(createSandbox([], { maxOutputPerRecord: 0 })).rejects.toThrow(/maxOutputPerRecord must be a positive whole number/);
    await expect(createSandbox([], { maxDepth: 1.5 })).rejects.toThrow(/maxDepth/);
  });
});

describe('nesting limit', () => {
  let sandbox: SnippetSandbox;
  beforeAll(async () => {
    sandbox = await createSandbox([
      converter('upper', 'return String(value).toUpperCase()'),
      converter('deep', 'let v = 1; for (let i = 0; i < Number(value); i++) v = i % 2 ? [v] : { v }; return v'),
    ]);
  });
  afterAll(() => sandbox.close());

  test('an 8,000-deep result fails its own call only, named', async () => {
    const items = Array.from({ length: 100 }, (_, i) => only('upper', {}, `r${i}`));
    items[42] = only('deep', {}, 8000);
    const results = await sandbox.run(items);
    expect(errorOf(results[42].values[0])).toBe('converter "deep": its result is nested deeper than 64 levels of arrays and objects');
    const others = results.filter((_, i) => i !== 42);
    expect(others.every((r, i) => (r.values[0] as { value: string }).value === `R${i < 42 ? i : i + 1}`)).toBe(true);
    // What the host keeps can be serialised again (the payload sent to Oomnitza is).
    expect(() => JSON.stringify(results)).not.toThrow();
  });

  test('64 levels pass, 65 do not', async () => {
    const [ok, tooDeep] = await sandbox.run([only('deep', {}, 64), only('deep', {}, 65)]);
    expect(ok.values[0]).toHaveProperty('value');
    expect(errorOf(tooDeep.values[0])).toMatch(/nested deeper than 64 levels/);
  });
});

describe('error text from snippets is safe to log', () => {
  const forged = '\n[csv_assets] pulled 300, filtered out 0, skipped 0, pushed 300, failed 0\u001b[2J\u009b31m\u2028';
  let sandbox: SnippetSandbox;
  beforeAll(async () => {
    sandbox = await createSandbox([
      converter('forger', `throw new Error(${JSON.stringify(forged)})`, 7),
      converter('long', 'throw new Error("x".repeat(100000))'),
      converter('badJson', `return { toJSON() { throw new Error(${JSON.stringify(forged)}) } }`),
      filter(`throw ${JSON.stringify(forged)}`, 'forgingFilter'),
    ]);
  });
  afterAll(() => sandbox.close());

  const unsafe = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

  test('a thrown message is quoted, with newlines and control characters escaped', async () => {
    const [r] = await sandbox.run([only('forger')]);
    const error = errorOf(r.values[0]);
    expect(error).not.toMatch(unsafe);
    expect(error).toBe(
      'converter "forger" (config.ini:7): "Error: \\n[csv_assets] pulled 300, filtered out 0, skipped 0, pushed 300, failed 0' +
        '\\u001b[2J\\u009b31m\\u2028"',
    );
  });

  test('filters and JSON failures too', async () => {
    const [f, j] = await sandbox.run([{ record: {}, filter: 'forgingFilter', calls: [] }, only('badJson')]);
    expect(errorOf(f.filter)).toMatch(/^filter "forgingFilter": "\\n\[csv_assets\] pulled 300/);
    expect(errorOf(f.filter)).not.toMatch(unsafe);
    expect(errorOf(j.values[0])).toMatch(/^converter "badJson": the result cannot be sent as JSON \("Error: \\n\[csv_assets\]/);
    expect(errorOf(j.values[0])).not.toMatch(unsafe);
  });

  test('a long message is cut and says so', async () => {
    const [r] = await sandbox.run([only('long')]);
    const error = errorOf(r.values[0]);
    expect(error.length).toBeLessThan(400);
    expect(error).toMatch(/^converter "long" \(line 1 of the snippet\): "Error: x{293}"\.\.\.\(99707 more characters\)$/);
  });
});

describe('a fresh worker', () => {
  test('its first run is timed from when it starts, not from when it was posted', async () => {
    // A new worker's thread can be held for a second while V8 optimises QuickJS's WebAssembly: before the fix
    // the hard stop (deadline + 500 ms) fired first and the record failed with "timed out".
    const sandbox = await createSandbox([converter('upper', 'return String(value).toUpperCase()')], { timeoutMsPerRecord: 50 });
    try {
      const [r] = await sandbox.run([only('upper', {}, 'first')]);
      expect(r.values).toEqual([{ value: 'FIRST' }]);
    } finally {
      await sandbox.close();
    }
  });
});

describe('syntax errors', () => {
  test('quote the offending line with its control characters escaped', async () => {
    const attempt = createSandbox([converter('bad', 'return 1 +\u001b[2J\n', 12)]);
    await expect(attempt).rejects.toThrow(/config\.ini:12: SyntaxError: Invalid or unexpected token in "return 1 \+\\u001b\[2J"$/);
  });
});
