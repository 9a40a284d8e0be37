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
  expect(readResults(`[[null,[${deep}]]]`, one, ctx)).toEqual([
    { values: [{ error: 'converter "c": its result is nested deeper than 64 levels of arrays and objects' }] },
  ]);
});

test('what a snippet threw is quoted and escaped; a long text says how long it was', () => {
  const [r] = read([[null, { threw: 'Error: a\n\u001b[31mb"c', line: 2 }]])!;
  expect(r.values[0]).toEqual({ error: 'converter "c" (config.ini:31): "Error: a\\n\\u001b[31mb\\"c"' });
  const [cut] = read([[null, { threw: 'x'.repeat(1000), length: 50_000 }]])!;
  expect(cut.values[0]).toEqual({ error: `converter "c": "${'x'.repeat(300)}"...(49700 more characters)` });
});

test('a forged line number is not believed', () => {
  const [r] = read([[null, { threw: 'boom', line: 1e12 }]])!;
  expect(r.values[0]).toEqual({ error: 'converter "c": "boom"' });
});

test('anything that is not one well-formed result per item is refused as a whole', () => {
  expect(read([[null, [1]], [null]])).toBeUndefined();
  expect(read([[null, { fault: 'made-up' }]])).toBeUndefined();
  expect(read([[null, { threw: 42 }]])).toBeUndefined();
  expect(read([[1, [1]]])).toBeUndefined(); // a filter verdict for an item without a filter
  expect(read([[null, [1, 2]]])).toBeUndefined(); // a value entry holds exactly one value
  expect(read([[null, { value: 1 }]])).toBeUndefined(); // the old object shape is not a value
  expect(read([[null]])).toBeUndefined(); // one entry per call
  expect(read([{ values: [[1]] }])).toBeUndefined();
  expect(readResults('not json', one, ctx)).toBeUndefined();
});

test('values come back unwrapped; a filter verdict is 1, 0 or an error entry', () => {
  expect(read([[null, ['In use']]])).toEqual([{ values: [{ value: 'In use' }] }]);
  expect(read([[null, [{ nested: [1, null] }]]])).toEqual([{ values: [{ value: { nested: [1, null] } }] }]);
  const filtered: SandboxItem[] = [{ ...only('c'), filter: 'f' }];
  expect(read([[1, [null]]], filtered)).toEqual([{ filter: { pass: true }, values: [{ value: null }] }]);
  expect(read([[0]], filtered)).toEqual([{ filter: { pass: false }, values: [] }]);
  expect(read([[0, [1]]], filtered)).toBeUndefined(); // no converter runs for a record filtered out
  expect(read([[{ fault: 'async' }]], filtered)).toEqual([
    { filter: { error: 'filter "f": returned a Promise; snippets run synchronously (no await, no import())' }, values: [] },
  ]);
  expect(read([[true, [1]]], filtered)).toBeUndefined();
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
