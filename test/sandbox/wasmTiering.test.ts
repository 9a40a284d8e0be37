/** The start-up hold on V8's wasm tier-up (src/sandbox/wasmTiering.ts): what it sets, and when it stays out. */
import { jest } from '@jest/globals';
import v8 from 'node:v8';
import { DEFAULT_TIERING_BUDGET, holdWasmTierUp, START_UP_TIERING_BUDGET } from '../../src/sandbox/wasmTiering.js';
import { createSandbox } from '../../src/sandbox/sandbox.js';
import { converter, only } from './helpers.js';

afterEach(() => jest.restoreAllMocks());

test('raises the budget, and sets the default back once (a second release changes nothing)', () => {
  const set = jest.spyOn(v8, 'setFlagsFromString');
  const release = holdWasmTierUp('');
  expect(set.mock.calls).toEqual([[`--wasm-tiering-budget=${START_UP_TIERING_BUDGET}`]]);
  release();
  release();
  expect(set.mock.calls).toEqual([[`--wasm-tiering-budget=${START_UP_TIERING_BUDGET}`], [`--wasm-tiering-budget=${DEFAULT_TIERING_BUDGET}`]]);
});

test.each(['--wasm-tiering-budget=5000', '--max-old-space-size=100 --liftoff-only', '--no-wasm-dynamic-tiering'])(
  'leaves a user-given %s alone',
  (flags) => {
    const set = jest.spyOn(v8, 'setFlagsFromString');
    holdWasmTierUp(flags)();
    expect(set).not.toHaveBeenCalled();
  },
);

test('a sandbox worker sets the default back once it is ready, and runs snippets as before', async () => {
  const set = jest.spyOn(v8, 'setFlagsFromString');
  const sandbox = await createSandbox([converter('upper', 'return String(value).toUpperCase()')]);
  try {
    const budgets = set.mock.calls.map(([flag]) => flag).filter((flag) => flag.startsWith('--wasm-tiering-budget='));
    expect(budgets).toEqual([`--wasm-tiering-budget=${START_UP_TIERING_BUDGET}`, `--wasm-tiering-budget=${DEFAULT_TIERING_BUDGET}`]);
    expect(await sandbox.run([only('upper', {}, 'abc')])).toEqual([{ values: [{ value: 'ABC' }] }]);
  } finally {
    await sandbox.close();
  }
});
