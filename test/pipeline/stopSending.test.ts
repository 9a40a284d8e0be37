/**
 * In-process: how a run stops sending (issue 11, defect 3). The breaker after pushes without an answer, and the
 * stop signal with its grace, each leave every record read either pushed or failed with the reason, exactly counted.
 */
import path from 'node:path';
import { loadConfig } from '../../src/config/loadConfig.js';
import { ConnectorError } from '../../src/errors.js';
import { HttpPermanentError, HttpTransientError } from '../../src/http/index.js';
import { Breaker, isNoAnswer } from '../../src/http/breaker.js';
import { connectOomnitza, prepareSection } from '../../src/pipeline/prepareSection.js';
import { runOptions } from '../../src/pipeline/runOptions.js';
import { createRuntimes } from '../../src/pipeline/sectionRuntime.js';
import { syncSection } from '../../src/pipeline/syncSection.js';
import type { RawRecord } from '../../src/sources/types.js';
import { startFakeOomnitza, type FakeOomnitza } from '../support/fakeOomnitza.js';
import { tempDir } from '../helpers/runCli.js';

async function setup(oom: FakeOomnitza, oomnitzaExtra: string, workers: number, signal = new AbortController().signal) {
  const ini = `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n${oomnitzaExtra}\n` +
    '[csv_assets]\nenable = True\nfilename = unused.csv\nsync_field = SERIAL_NUMBER\nbatch_size = 10\nmapping.SERIAL_NUMBER = serial\n';
  const dir = tempDir({ 'config.ini': ini, 'unused.csv': 'serial\n' });
  const config = await loadConfig(path.join(dir, 'config.ini'), { sections: ['csv_assets'], requireEnabled: true });
  const [rt] = createRuntimes(config, { signal, workers });
  const oomnitza = await connectOomnitza(config, false);
  const prepared = await prepareSection(rt, oomnitza, false);
  const close = async () => {
    await rt.close();
    await oomnitza.client.close();
  };
  return { config, run: { ...prepared, stats: rt.stats }, close, opts: runOptions({ testmode: false, saveData: false, workers }, signal) };
}

const bulkPosts = (oom: FakeOomnitza) => oom.log.filter((l) => l === 'POST /api/v3/bulk').length;

async function* serials(n: number): AsyncGenerator<RawRecord> {
  for (let i = 0; i < n; i++) yield { serial: `S${i}` };
}

const noAnswer = () => new HttpTransientError('POST /api/v3/bulk failed: timed out after 1000 ms', { section: 'oomnitza', method: 'POST', url: 'u', attempts: 1 });
const answer = (status: number) => new HttpPermanentError(`HTTP ${status}`, { section: 'oomnitza', method: 'POST', url: 'u', status, attempts: 1 });

test('the push breaker opens after `threshold` failures in a row without an answer, once; an HTTP answer resets the count', () => {
  let t = 0;
  const breaker = new Breaker({ threshold: 3, coolDownMs: 60_000 }, () => t, isNoAnswer, 'batches in a row got no answer');
  const opened: string[] = [];
  breaker.watch((state, why) => opened.push(`${state}: ${why}`));
  breaker.failed(noAnswer(), false);
  breaker.failed(noAnswer(), false);
  breaker.answered(false);
  breaker.failed(noAnswer(), false);
  breaker.failed(answer(500), false); // an error status is an answer: the count starts again
  breaker.failed(noAnswer(), false);
  breaker.failed(answer(504), false); // a gateway timeout is no answer
  expect(breaker.state).toBe('closed');
  breaker.failed(noAnswer(), false);
  expect(breaker.state).toBe('open');
  expect(breaker.reason).toBe('3 batches in a row got no answer; the last: POST /api/v3/bulk failed: timed out after 1000 ms');
  breaker.failed(noAnswer(), false); // opens once
  breaker.answered(false); // a late answer to a batch sent before it opened does not close it
  expect(breaker.tryAdmit()).toBeUndefined();
  expect(breaker.nextProbe).toBe('next probe in 60 s');
  t = 60_000;
  expect(breaker.tryAdmit()).toEqual({ probe: true });
  expect(breaker.tryAdmit()).toBeUndefined(); // one probe at a time
  breaker.answered(true);
  expect(breaker.state).toBe('closed');
  expect(opened).toEqual([`open: ${breaker.reason}`, 'closed: the probe got an answer']);
  expect(isNoAnswer(new ConnectorError('SIGTERM'))).toBe(false); // our own abort is not the target's silence
});

test('[oomnitza] request limits default to timeout 60 s, connect 10 s, 5 retries, breaker 3, stop_grace 10 s', async () => {
  const oom = await startFakeOomnitza();
  const { config, run, close } = await setup(oom, '', 1);
  await close();
  await oom.close();
  expect(config.oomnitza).toMatchObject({ timeout: 60, connect_timeout: 10, retries: 5, stop_after_timeouts: 3, breaker_cooldown: 60, stop_grace: 10 });
  expect(run.oomnitza!.pushLimits).toEqual({ stopAfterTimeouts: 3, breakerCooldownMs: 60_000, stopGraceMs: 10_000, describe: 'timeout = 60 s, retries = 5' });
});

test('two workers against an Oomnitza that stops answering: the breaker stops the sending, every record is pushed or failed', async () => {
  const oom = await startFakeOomnitza({ stallBulksAfter: 3 });
  const { run, opts, close } = await setup(oom, 'timeout = 1\nretries = 0\nstop_after_timeouts = 2\n', 2);
  const stats = await syncSection(run, serials(5000), opts);
  await close();
  await oom.close();
  // Three accepted; then the two in flight time out, and at most one more started before the second timed out.
  expect(bulkPosts(oom)).toBeLessThanOrEqual(6);
  expect(stats.pushed).toBe(30);
  // The read goes on (the cool-down of 60 s does not pass in this run): each record is failed (spooled, with a spool).
  expect(stats.pulled).toBe(5000);
  expect(stats.pushed + stats.failed).toBe(stats.pulled);
  expect(stats.notSent).toBe(0); // not a stop signal: a failure of Oomnitza
  expect(stats.fatal).toMatch(/^Oomnitza stopped answering \(timeout = 1 s, retries = 0, stop_after_timeouts = 2\): 2 batches in a row .*; \d+ record\(s\) not sent while its circuit breaker was open$/);
  expect(stats.line(false)).toMatch(/ - FAILED: Oomnitza stopped answering/);
  expect(stats.failures.filter((f) => f.reason.startsWith('[oomnitza] POST') && f.reason.endsWith('timed out after 1000 ms'))).toHaveLength(2);
  expect(stats.failures.some((f) => f.reason.startsWith('not sent: Oomnitza stopped answering'))).toBe(true);
  expect(oom.finalized).toEqual([]);
});

test('the stop signal: nothing new is sent, pushes in flight are aborted after stop_grace, each record read is named', async () => {
  const oom = await startFakeOomnitza({ stallBulksAfter: 2 });
  const stop = new AbortController();
  const { run, opts, close } = await setup(oom, 'timeout = 30\nstop_grace = 1\n', 2, stop.signal);
  const done = syncSection(run, serials(60), opts);
  while (oom.stalledBulks < 2) await new Promise((r) => setTimeout(r, 20));
  stop.abort(new ConnectorError('SIGTERM'));
  const stats = await done;
  await close();
  await oom.close();
  expect(bulkPosts(oom)).toBe(4);
  expect(stats).toMatchObject({ pulled: 60, pushed: 20, failed: 40, notSent: 40, canceled: true, stoppedBecause: 'SIGTERM' });
  const reasons = Object.fromEntries(stats.failures.map((f) => [f.id, f.reason]));
  const aborted = 'not delivered: stopped early: SIGTERM, and [oomnitza] stop_grace (1 s) ran out before Oomnitza answered';
  expect(reasons).toEqual({
    '10 records from SERIAL_NUMBER="S20" (record #21) to SERIAL_NUMBER="S29" (record #30)': aborted,
    '10 records from SERIAL_NUMBER="S30" (record #31) to SERIAL_NUMBER="S39" (record #40)': aborted,
    '10 records from SERIAL_NUMBER="S40" (record #41) to SERIAL_NUMBER="S49" (record #50)': 'not sent: stopped early: SIGTERM',
    '10 records from SERIAL_NUMBER="S50" (record #51) to SERIAL_NUMBER="S59" (record #60)': 'not sent: stopped early: SIGTERM',
  });
  expect(stats.line(false)).toMatch(/pushed 20, failed 40 \(transient 40\), .*\(stopped early: SIGTERM\) - FAILED: portion \S+ was not finalized: stopped early: SIGTERM/);
  expect(oom.finalized).toEqual([]);
});
