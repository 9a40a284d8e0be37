import { createSandbox } from '../../src/sandbox/sandbox.js';
import type { SnippetSandbox } from '../../src/sandbox/types.js';
import { converter, filter, only } from './helpers.js';

/** Each attempt must end in an error or a harmless value, never a host capability. */
const attempts: Record<string, string> = {
  constructorChain: 'return this.constructor.constructor("return process")()',
  constructorChainViaRecord: 'return record.constructor.constructor("return process.env")()',
  processGlobal: 'return process.pid',
  requireFs: 'return require("fs").readFileSync("/etc/passwd", "utf8")',
  dynamicImport: 'return import("fs")',
  fetch: 'return globalThis.fetch("http://127.0.0.1:1/")',
  setTimeout: 'setTimeout(() => {}, 1); return "scheduled"',
  intl: 'return new Intl.NumberFormat("de-DE").format(1)',
  wasm: 'return WebAssembly.Memory',
  evalProcess: 'return eval("process")',
};

describe('escape attempts', () => {
  let sandbox: SnippetSandbox;
  beforeAll(async () => {
    sandbox = await createSandbox([
      ...Object.entries(attempts).map(([name, code]) => converter(name, code)),
      converter('globals', 'return ["process", "require", "setTimeout", "setInterval", "fetch", "Intl", "console", "WebAssembly"].map((n) => typeof globalThis[n])'),
      converter('pollute', [
        'Object.prototype.pollutedBySnippet = "yes";',
        'Array.prototype.push = function () { return "hijacked" };',
        'JSON.stringify = function () { return "hijacked" };',
        'return JSON.parse(\'{"__proto__": {"pollutedByValue": "yes"}, "ok": 1}\')',
      ].join('\n')),
      converter('afterPollution', 'return [({}).pollutedBySnippet, [1, 2].length]'),
      filter('Object.prototype.fromFilter = 1; return true'),
    ]);
  });
  afterAll(() => sandbox.close());

  test.each(Object.keys(attempts))('%s fails inside the sandbox', async (name) => {
    const [r] = await sandbox.run([only(name)]);
    expect(r.values[0]).toEqual({ error: expect.stringMatching(new RegExp(`^converter "${name}"`)) });
  });

  test('the constructor chain only reaches the sandbox Function, which has no process', async () => {
    const [r] = await sandbox.run([only('constructorChain')]);
    expect(r.values[0]).toEqual({ error: expect.stringContaining("ReferenceError: 'process' is not defined") });
  });

  test('no host globals exist inside', async () => {
    const [r] = await sandbox.run([only('globals')]);
    expect(r.values[0]).toEqual({ value: Array(8).fill('undefined') });
  });

  test('prototype pollution inside does not reach the host, and the runner still answers', async () => {
    const [polluted, after] = await sandbox.run([
      { record: {}, filter: 'recordfilter', calls: [{ converter: 'pollute', field: 'F', value: null, params: {} }] },
      only('afterPollution'),
    ]);
    expect(polluted.filter).toEqual({ pass: true });
    const value = (polluted.values[0] as { value: Record<string, unknown> }).value;
    expect(value.ok).toBe(1);
    // "__proto__" arrives as plain data, not as the object's prototype.
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(value, '__proto__')).toBe(true);
    const host = {} as Record<string, unknown>;
    expect(host.pollutedBySnippet).toBeUndefined();
    expect(host.pollutedByValue).toBeUndefined();
    expect(host.fromFilter).toBeUndefined();
    // Inside, the pollution persists (documented): same runtime, same globals.
    expect(after.values[0]).toEqual({ value: ['yes', 2] });
  });

  test("a snippet that rewrites Array.prototype's slots and String.prototype cannot change what the runner returns", async () => {
    // The runner keeps the entry of a converter's repeated string per template (runnerSource.ts): its tables have no
    // holes to fall through to Array.prototype, and it reads an entry without String.prototype.
    const poisoned = await createSandbox([
      converter('poison', 'Array.prototype[0] = "In use"; Array.prototype[1] = "In use"; String.prototype.charCodeAt = () => 91; return "In use"'),
      converter('label', 'return value'),
    ]);
    try {
      const items = [only('poison'), ...['In use', 'In use', 'Retired', 'In use'].map((v) => only('label', {}, v))];
      const first = await poisoned.run(items);
      const again = await poisoned.run(items);
      for (const results of [first, again]) {
        expect(results.map((r) => r.values[0])).toEqual(['In use', 'In use', 'In use', 'Retired', 'In use'].map((value) => ({ value })));
      }
    } finally {
      await poisoned.close();
    }
  });
});
