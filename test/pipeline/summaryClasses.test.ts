/**
 * The summary line gives the failed records by error class (issue 18) and the first example of each class; a run of
 * several sections ends with an overall line of the totals.
 */
import { overallLine, SectionStats } from '../../src/pipeline/summary.js';

test('failed by class in the line, "other" for failures before any push, the first of each class in the details', () => {
  const s = new SectionStats('csv_assets');
  s.pulled = 1000;
  s.pushed = 500;
  // Eleven transient batches fill the listed failures; the policy one after them is named by its class.
  for (let i = 0; i < 11; i++) s.fail(`batch ${i}`, '503 after retries', 40, 'transient');
  s.fail('batch 11', 'HTTP 401: token revoked', 40, 'policy');
  s.fail('assets.csv:7', 'the header has 3 columns, this row has 2');
  s.spooled = 480;
  expect(s.line(false)).toMatch(/^\[csv_assets\] pulled 1000, filtered out 0, skipped 0, pushed 500, failed 481 \(transient 440, policy 40, other 1\), spooled 480 \(connector replay sends them\), /);
  const details = s.details();
  expect(details.filter((l) => l.startsWith('  failed batch'))).toHaveLength(10);
  expect(details).toContain('  first policy failure batch 11: HTTP 401: token revoked');
  // The first transient failure is listed already: not repeated.
  expect(details.some((l) => l.startsWith('  first transient'))).toBe(false);
  expect(s.firstByClass.transient).toMatchObject({ id: 'batch 0', count: 40 });
});

test('a run without classed failures keeps the line as it was', () => {
  const s = new SectionStats('csv_assets');
  s.pulled = 3;
  s.pushed = 2;
  s.fail('assets.csv:3', 'bad row');
  expect(s.line(false)).toMatch(/pushed 2, failed 1, \d/);
});

test('the overall line adds up the sections, with the classes and the spooled', () => {
  const a = new SectionStats('a');
  a.pulled = 10;
  a.pushed = 10;
  const b = new SectionStats('b');
  b.pulled = 20;
  b.pushed = 5;
  b.fail('batch', 'timed out', 15, 'transient');
  b.spooled = 15;
  expect(overallLine([a, b], false)).toBe('overall: 2 sections, 1 failed: pulled 30, pushed 15, failed 15 (transient 15), spooled 15 (connector replay sends them)');
  expect(overallLine([a, a], true)).toBe('overall: 2 sections: pulled 20, printed (testmode) 20, failed 0');
});
