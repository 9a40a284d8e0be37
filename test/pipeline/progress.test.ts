/** src/pipeline/progress.ts: live lines on a terminal, a periodic log line otherwise; never on stdout. */
import { Progress, formatElapsed, type ProgressStream } from '../../src/pipeline/progress.js';
import { SectionStats } from '../../src/pipeline/summary.js';
import { captureLogs } from '../http/logCapture.js';

function fakeStream(isTTY: boolean): ProgressStream & { out: string } {
  const s = {
    isTTY,
    columns: 200,
    out: '',
    write(chunk: string | Uint8Array): boolean {
      s.out += chunk.toString();
      return true;
    },
  };
  return s;
}

/** A clock and a timer the test turns by hand. */
function manual() {
  let t = 1_000_000;
  const timers: Array<() => void> = [];
  return {
    now: () => t,
    advance: (ms: number) => (t += ms),
    every: (_ms: number, fn: () => void) => (timers.push(fn), () => timers.splice(timers.indexOf(fn), 1)),
    fire: () => timers.forEach((f) => f()),
    timers,
  };
}

test('formatElapsed', () => {
  expect(formatElapsed(12_400)).toBe('12s');
  expect(formatElapsed(245_000)).toBe('4m05s');
  expect(formatElapsed(3_723_000)).toBe('1h02m03s');
});

test('terminal: a live line per section with pulled, pushed, failed, rate, elapsed; redrawn in place, erased at the end', () => {
  const stream = fakeStream(true);
  const clock = manual();
  const progress = new Progress({ stream, now: clock.now, every: clock.every, redrawMs: 250 });
  const a = new SectionStats('ldap');
  const b = new SectionStats('csv_assets');
  const untrackA = progress.track(a);
  const untrackB = progress.track(b);
  a.pulled = 500;
  a.pushed = 400;
  a.failed = 3;
  clock.advance(10_000);
  clock.fire();
  expect(stream.out).toBe('[ldap] pulled 500, pushed 400, failed 3, 50 records/s, 10s\n[csv_assets] pulled 0, pushed 0, failed 0, 0 records/s, 10s');
  // Redrawn at most every redrawMs: a second turn within 250 ms draws nothing.
  const before = stream.out.length;
  clock.advance(100);
  clock.fire();
  expect(stream.out.length).toBe(before);
  clock.advance(200);
  a.pulled = 600;
  clock.fire();
  // Erases both lines (clear, up, clear), then draws again.
  expect(stream.out.slice(before)).toMatch(/^\r\x1b\[2K\x1b\[1A\r\x1b\[2K\[ldap\] pulled 600/);
  untrackA();
  untrackB();
  expect(clock.timers).toHaveLength(0);
  expect(stream.out.endsWith('\r\x1b[2K')).toBe(true);
});

test('terminal: a log line written meanwhile erases the live line first and gets it redrawn below', () => {
  const stream = fakeStream(true);
  const clock = manual();
  const progress = new Progress({ stream, now: clock.now, every: clock.every });
  const s = new SectionStats('okta');
  const untrack = progress.track(s);
  clock.fire();
  stream.write('2026 WARN something\n');
  expect(stream.out).toBe('[okta] pulled 0, pushed 0, failed 0, 0 records/s, 0s\r\x1b[2K2026 WARN something\n[okta] pulled 0, pushed 0, failed 0, 0 records/s, 0s');
  untrack();
  // The stream's own write is back once nothing is tracked.
  stream.write('after\n');
  expect(stream.out.endsWith('\r\x1b[2Kafter\n')).toBe(true);
});

test('not a terminal: a plain log line per section every interval (none before the first interval), with structured fields', () => {
  const stream = fakeStream(false);
  const clock = manual();
  const logs = captureLogs();
  try {
    const progress = new Progress({ stream, now: clock.now, every: clock.every, intervalMs: 30_000 });
    const s = new SectionStats('jamf');
    const untrack = progress.track(s);
    clock.advance(10_000);
    clock.fire();
    expect(logs.lines).toHaveLength(0);
    s.pulled = 3000;
    s.pushed = 2900;
    clock.advance(20_000);
    clock.fire();
    expect(logs.lines).toEqual([{ level: 'info', message: 'progress: [jamf] pulled 3000, pushed 2900, failed 0, 100 records/s, 30s' }]);
    untrack();
  } finally {
    logs.stop();
  }
  // Nothing drawn on the stream: the line went through the log handlers.
  expect(stream.out).toBe('');
});

test('not a terminal, testmode: the line goes to the stream (stderr), not through handlers that may write to stdout', () => {
  const stream = fakeStream(false);
  const clock = manual();
  const logs = captureLogs();
  try {
    const progress = new Progress({ stream, now: clock.now, every: clock.every, intervalMs: 1000, testmode: true });
    const untrack = progress.track(new SectionStats('csv'));
    clock.advance(1000);
    clock.fire();
    untrack();
  } finally {
    logs.stop();
  }
  expect(logs.lines).toHaveLength(0);
  expect(stream.out).toBe('progress: [csv] pulled 0, printed 0, failed 0, 0 records/s, 1s\n');
});

test('interval 0: no timer, no line', () => {
  const stream = fakeStream(false);
  const clock = manual();
  const progress = new Progress({ stream, now: clock.now, every: clock.every, intervalMs: 0 });
  const untrack = progress.track(new SectionStats('csv'));
  expect(clock.timers).toHaveLength(0);
  untrack();
});
