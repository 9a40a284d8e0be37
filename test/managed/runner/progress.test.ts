/** Progress of `connector managed` (issue 18): each integration run is tracked while it runs, as upload's sections are. */
import { createTemplateEngine } from '../../../src/managed/template/engine.js';
import type { TemplateEngine } from '../../../src/managed/template/types.js';
import { getLogger } from '../../../src/logging.js';
import { Progress, type ProgressStream } from '../../../src/pipeline/progress.js';
import { startFakeManagedCloud, type FakeManagedCloud } from '../../support/fakeManagedCloud.js';
import { captureLogs } from '../../http/logCapture.js';
import { fakeFetch, harness, integration, pages } from './harness.js';

let engine: TemplateEngine;
let cloud: FakeManagedCloud;
beforeAll(async () => {
  engine = await createTemplateEngine();
});
afterAll(async () => {
  await engine.close();
});
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
