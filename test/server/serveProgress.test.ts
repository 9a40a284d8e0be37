/** serve's periodic progress line (issue 18): what it accepted and what became of it; quiet when nothing changed. */
import { getLogger } from '../../src/logging.js';
import { serveProgressText, startServeProgress, type ServeCounts } from '../../src/server/serveProgress.js';
import { captureLogs } from '../http/logCapture.js';

function counts(): ServeCounts {
  return { received: 0, ignored: 0, queued: 0, waiting: 0, fetching: 0, sections: [['casper', { fetched: 0, pushed: 0, failed: 0 }]] };
}

test('the text: received, ignored, accepted, waiting, fetching, per section fetched / pushed / failed', () => {
  const c = { ...counts(), received: 12, ignored: 2, queued: 9, waiting: 3, fetching: 1, sections: [['casper', { fetched: 5, pushed: 4, failed: 1 }]] as ServeCounts['sections'] };
  expect(serveProgressText(c)).toBe('progress: received 12 webhook(s) (ignored 2), accepted 9 device(s), waiting 3, fetching 1; [casper] fetched 5, pushed 4, failed 1');
  expect(serveProgressText(c, true)).toContain('[casper] fetched 5, printed 4, failed 1');
});

test('a log line each interval when something changed, none when idle; testmode writes to the stream, not the log', () => {
  const timers: Array<() => void> = [];
  const every = (_ms: number, fn: () => void) => (timers.push(fn), () => void timers.splice(timers.indexOf(fn), 1));
  const tick = () => timers.forEach((f) => f());
  const c = counts();
  const logs = captureLogs();
  try {
    const stop = startServeProgress({ intervalMs: 30_000, testmode: false, every, log: getLogger('server') }, () => c);
    tick();
    c.received = 3;
    c.queued = 3;
    c.sections[0][1].pushed = 3;
    tick();
    tick(); // nothing changed: no line
    stop();
    expect(timers).toHaveLength(0);
    expect(logs.lines.map((l) => l.message)).toEqual([
      'progress: received 0 webhook(s) (ignored 0), accepted 0 device(s), waiting 0, fetching 0; [casper] fetched 0, pushed 0, failed 0',
      'progress: received 3 webhook(s) (ignored 0), accepted 3 device(s), waiting 0, fetching 0; [casper] fetched 0, pushed 3, failed 0',
    ]);

    let out = '';
    const stopTest = startServeProgress({ intervalMs: 30_000, testmode: true, every, stream: { write: (s) => ((out += s.toString()), true) } }, () => c);
    tick();
    stopTest();
    expect(out).toMatch(/^progress: received 3 .*printed 3, failed 0\n$/);
    expect(logs.lines).toHaveLength(2);
    // 0: never.
    startServeProgress({ intervalMs: 0, testmode: false, every }, () => c);
    expect(timers).toHaveLength(0);
  } finally {
    logs.stop();
  }
});
