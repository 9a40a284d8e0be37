/** Source.onRunComplete: called after a successful upload run only, and a failing hook fails the section. */
import { completeRun } from '../../src/pipeline/runComplete.js';
import { SectionStats } from '../../src/pipeline/summary.js';
import type { RunOutcome, Source } from '../../src/sources/types.js';

function source(fail = false) {
  const calls: RunOutcome[] = [];
  const s: Source = {
    check: async () => '',
    read: async function* () {},
    onRunComplete: async (outcome) => {
      calls.push(outcome);
      if (fail) throw new Error('disk full');
    },
  };
  return { s, calls };
}
function stats(change: (s: SectionStats) => void = () => undefined): SectionStats {
  const st = new SectionStats('jasper');
  st.pulled = 3;
  st.pushed = 3;
  change(st);
  return st;
}

test('a successful run tells the source what it pushed', async () => {
  const { s, calls } = source();
  await completeRun(s, stats(), { testmode: false });
  expect(calls).toEqual([{ pulled: 3, pushed: 3 }]);
});

test.each([
  ['a failed record', stats((st) => st.fail('record #2', 'HTTP 400')), { testmode: false }],
  ['a record the source could not read', stats((st) => st.sourceFail('terminal ICCID 1', 'fault')), { testmode: false }],
  ['a failed section', stats((st) => (st.fatal = 'Oomnitza refused')), { testmode: false }],
  ['a canceled run', stats((st) => (st.canceled = true)), { testmode: false }],
  ['--testmode', stats(), { testmode: true }],
  ['--record-count', stats(), { testmode: false, recordCount: 2 }],
])('no call after %s', async (_what, st, limits) => {
  const { s, calls } = source();
  await completeRun(s, st, limits);
  expect(calls).toEqual([]);
});

test('a hook that fails fails the section, saying so', async () => {
  const { s } = source(true);
  const st = stats();
  await completeRun(s, st, { testmode: false });
  expect(st.ok).toBe(false);
  expect(st.fatal).toBe('the run succeeded, but saving its state failed: disk full');
});
