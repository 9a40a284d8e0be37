/**
 * `connector managed` (issue 18): each integration run's progress is tracked while it runs, as upload's sections are;
 * its uploads go through the [oomnitza] push breaker.
 */
import type { TemplateEngine } from '../../../src/managed/template/types.js';
import { HttpTransientError } from '../../../src/http/httpError.js';
import { getLogger } from '../../../src/logging.js';
import { OomnitzaClient } from '../../../src/oomnitza/client.js';
import type { SectionStats } from '../../../src/pipeline/summary.js';
import { Progress, type ProgressStream } from '../../../src/pipeline/progress.js';
import { startFakeManagedCloud, type FakeManagedCloud } from '../../support/fakeManagedCloud.js';
import { captureLogs } from '../../http/logCapture.js';
import { fakeFetch, harness, integration, oomnitzaSettings, pages } from './harness.js';
import { useTemplateEngine } from '../../helpers/templateEngine.js';

let engine: TemplateEngine;
let cloud: FakeManagedCloud;
useTemplateEngine((e) => (engine = e));
afterEach(async () => {
  await cloud?.close();
});

test('a plain progress line per running integration (not a terminal), through the managed logger; the stream stays empty', async () => {
  cloud = await startFakeManagedCloud({
    mappings: { '7': { USER: { type: 'attribute', value: 'login' } } },
    polls: [[integration(7, { sync_field: 'USER' })]],
  });
  const fetch = fakeFetch({ '7': pages([[{ record: { login: 'ann' } }, { record: { login: 'bob' } }], [{ record: { login: 'cy' } }]]) });
  let t = 0;
  const timers: Array<() => void> = [];
  const stream: ProgressStream & { out: string } = { isTTY: false, out: '', write: (c) => ((stream.out += c.toString()), true) };
  const progress = new Progress({ stream, now: () => t, every: (_ms, fn) => (timers.push(fn), () => undefined), intervalMs: 30_000, logFor: () => getLogger('managed') });
  const tracked: string[] = [];
  const logs = captureLogs();
  try {
    const code = await harness(cloud, fetch, engine).run({
      // The clock passes one interval just before the run ends: the line then shows the run's counts.
      track: (stats) => {
        tracked.push(stats.section);
        const untrack = progress.track(stats);
        return () => {
          t += 30_000;
          timers.forEach((f) => f());
          untrack();
        };
      },
    });
    expect(code).toBe(0);
  } finally {
    logs.stop();
    progress.stop();
  }
  expect(tracked).toEqual(['managed.7 "Integration 7"']);
  expect(logs.lines.filter((l) => l.message.startsWith('progress:'))).toEqual([
    { level: 'info', message: 'progress: [managed.7 "Integration 7"] pulled 3, pushed 3, failed 0, 0 records/s, 30s' },
  ]);
  expect(stream.out).toBe('');
});

test('the [oomnitza] push breaker is shared with managed runs: while it is open, uploads fail at once (transient), nothing is sent', async () => {
  cloud = await startFakeManagedCloud({
    mappings: { '7': { USER: { type: 'attribute', value: 'login' } } },
    polls: [[integration(7, { sync_field: 'USER' })]],
  });
  const fetch = fakeFetch({ '7': pages([[{ record: { login: 'ann' } }, { record: { login: 'bob' } }]]) });
  const base = new OomnitzaClient(oomnitzaSettings(cloud), getLogger('oomnitza'), { now: () => 0 });
  // An earlier run found Oomnitza silent three times in a row (stop_after_timeouts = 3).
  const silent = new HttpTransientError('POST /api/v3/bulk failed: timed out', { section: 'oomnitza', method: 'POST', url: 'u', attempts: 1 });
  for (let i = 0; i < 3; i++) base.pushBreaker.failed(silent, false);
  expect(base.pushBreaker.state).toBe('open');
  const results: SectionStats[] = [];
  try {
    await base.authenticate();
    const code = await harness(cloud, fetch, engine).run({ base, onResult: (s) => results.push(s) });
    expect(code).toBe(1);
  } finally {
    await base.close();
  }
  expect(cloud.uploads.filter((u) => (u.records as unknown[]).some((r) => r && Object.keys(r as object).length))).toEqual([]);
  expect(results[0]).toMatchObject({ pulled: 2, pushed: 0, failed: 2, failedByClass: { transient: 2 } });
  expect(results[0].failures[0].reason).toMatch(/^not sent: Oomnitza stopped answering \(3 batches in a row got no answer; .*next probe in 60 s\)$/);
});
