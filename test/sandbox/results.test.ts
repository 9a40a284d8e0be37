/**
 * The host side of the boundary on its own: what it accepts from a reply whatever the runner did (a snippet
 * shares the runner's runtime, so these checks must not depend on the runner keeping its limits).
 */
import { readResults, withinCaps, type ReadContext } from '../../src/sandbox/results.js';
import { DEFAULT_LIMITS } from '../../src/sandbox/sandbox.js';
import type { SandboxItem } from '../../src/sandbox/types.js';
import { call, converter, only } from './helpers.js';

const ctx: ReadContext = {
  snippets: new Map([['converter:c', converter('c', 'return 1', 30)]]),
  limits: DEFAULT_LIMITS,
};
const one: SandboxItem[] = [only('c')];
const read = (reply: unknown, items = one) => readResults(JSON.stringify(reply), items, ctx);

test('a value nested deeper than the limit fails its call, even if the runner let it through', () => {
  // Written as text: the host's own JSON.stringify cannot even produce this value (that was the defect).
  const deep = `${'['.repeat(8000)}1${']'.repeat(8000)}`;
  expect(readResults(`[{"values":[{"value":${deep}}]}]`, one, ctx)).toEqual([
    { values: [{ error: 'converter "c": its result is nested deeper than 64 levels of arrays and objects' }] },
  ]);
});

test('what a snippet threw is quoted and escaped; a long text says how long it was', () => {
  const [r] = read([{ values: [{ threw: 'Error: a\n\u001b[31mb"c', line: 2 }] }])!;
  expect(r.values[0]).toEqual({ error: 'converter "c" (config.ini:31): "Error: a\\n\\u001b[31mb\\"c"' });
  const [cut] = read([{ values: [{ threw: 'x'.repeat(1000), length: 50_000 }] }])!;
  expect(cut.values[0]).toEqual({ error: `converter "c": "${'x'.repeat(300)}"...(49700 more characters)` });
});

test('a forged line number is not believed', () => {
  const [r] = read([{ values: [{ threw: 'boom', line: 1e12 }] }])!;
  expect(r.values[0]).toEqual({ error: 'converter "c": "boom"' });
});

test('anything that is not one well-formed result per item is refused as a whole', () => {
  expect(read([{ values: [{ value: 1 }] }, { values: [] }])).toBeUndefined();
  expect(read([{ values: [{ fault: 'made-up' }] }])).toBeUndefined();
  expect(read([{ values: [{ threw: 42 }] }])).toBeUndefined();
  expect(read([{ filter: { pass: true }, values: [{ value: 1 }] }])).toBeUndefined();
  expect(readResults('not json', one, ctx)).toBeUndefined();
});

test('a reply larger than the caps allow is refused before it is parsed', () => {
  const items = [{ record: {}, calls: [call('c'), call('c')] }];
  const caps = { perRecord: 1000, perRun: 5000, depth: 64 };
  expect(withinCaps('x'.repeat(1000 + 64 + 3 * 80), items, caps)).toBe(true);
  expect(withinCaps('x'.repeat(1000 + 64 + 3 * 80 + 1), items, caps)).toBe(false);
  const batch = Array.from({ length: 10 }, () => only('c'));
  expect(withinCaps('x'.repeat(5000 + 10 * (64 + 2 * 80)), batch, caps)).toBe(true);
  expect(withinCaps('x'.repeat(5001 + 10 * (64 + 2 * 80)), batch, caps)).toBe(false);
});
