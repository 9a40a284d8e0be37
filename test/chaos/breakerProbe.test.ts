/**
 * The Oomnitza push breaker's half-open probe (issue 18), in-process with the fault-injecting fake and an injected
 * clock: an outage (connection resets) opens the breaker, the batches meanwhile go to the spool, a probe after the
 * cool-down meets the outage still on and opens it again, the next probe gets an answer and sending resumes. Every
 * record is accepted once or spooled, never both; the counts equal the fake's; `connector replay` then delivers the
 * spooled ones exactly once.
 */
import path from 'node:path';
import { replay } from '../../src/cli/replay.js';
import { loadConfig } from '../../src/config/loadConfig.js';
import { getLogger } from '../../src/logging.js';
import { OomnitzaClient } from '../../src/oomnitza/client.js';
import { prepareSection } from '../../src/pipeline/prepareSection.js';
import { runOptions } from '../../src/pipeline/runOptions.js';
import { createRuntimes } from '../../src/pipeline/sectionRuntime.js';
import { syncSection } from '../../src/pipeline/syncSection.js';
import type { RawRecord } from '../../src/sources/types.js';
import { DeadLetterSpool } from '../../src/spool/deadLetterSpool.js';
import { startChaosOomnitza } from '../support/chaosOomnitza.js';
import { tempDir } from '../helpers/runCli.js';

const TOKEN = 'chaos-token-0123456789';
const RECORDS = 600;
const BATCH = 10;

test('an outage that ends mid-run: open, a failed probe, a probe that gets an answer, sending resumes; nothing lost, nothing twice', async () => {
  // Bulk requests 5 to 7 are cut: 5 and 6 open the breaker (stop_after_timeouts = 2), 7 is the first probe (it fails), 8 the second.
  const oom = await startChaosOomnitza({ token: TOKEN, faults: { 5: 'reset', 6: 'reset', 7: 'reset' } });
  const dir = tempDir({
    'config.ini': `[oomnitza]\nurl = ${oom.url}\napi_token = ${TOKEN}\nretries = 0\ntimeout = 5\nstop_after_timeouts = 2\nbreaker_cooldown = 30\nspool_dir = dead\n\n` +
      `[csv_assets]\nenable = True\nfilename = unused.csv\nsync_field = SERIAL_NUMBER\nbatch_size = ${BATCH}\nmapping.SERIAL_NUMBER = serial\n`,
    'unused.csv': 'serial\n',
  });
  let t = 0;
  const signal = new AbortController().signal;
  const config = await loadConfig(path.join(dir, 'config.ini'), { sections: ['csv_assets'], requireEnabled: true });
  const [rt] = createRuntimes(config, { signal, workers: 1 });
  // Each look at the clock advances it a second: the cool-down passes after a few batches were spooled, whatever the speed of the machine.
  const client = new OomnitzaClient(config.oomnitza, getLogger('oomnitza'), { now: () => (t += 1000) });
  const states: string[] = [];
  client.pushBreaker.watch((state) => states.push(state));
  try {
    await client.authenticate();
    const prepared = await prepareSection(rt, { client, online: true, testmode: false }, false);
    const spool = new DeadLetterSpool(path.join(dir, 'dead'));
    async function* serials(): AsyncGenerator<RawRecord> {
      for (let i = 0; i < RECORDS; i++) yield { serial: `S${i}` };
    }
    const depths: number[] = [];
    const stats = await syncSection({ ...prepared, stats: rt.stats }, serials(), {
      ...runOptions({ testmode: false, saveData: false, workers: 1 }, signal), spool, onQueueDepth: (n) => depths.push(n),
    });

    // The queue-depth gauge's feed: a batch waited for the one push worker, and none waits at the end.
    expect(Math.max(...depths)).toBe(1);
    expect(depths[depths.length - 1]).toBe(0);
    expect(states).toEqual(['open', 'open', 'closed']);
    expect(oom.faultsServed).toEqual(['reset', 'reset', 'reset']);
    const { batches } = await spool.batches('csv_assets');
    const spooled = batches.flatMap((b) => b.entry.records.map((r) => String(r.SERIAL_NUMBER)));
    // Accepted at most once; every record accepted or spooled, never both.
    expect([...oom.accepted.values()].every((n) => n === 1)).toBe(true);
    expect(spooled.filter((s) => oom.accepted.has(s))).toEqual([]);
    expect(new Set([...spooled, ...oom.accepted.keys()]).size).toBe(RECORDS);
    expect(oom.accepted.size + spooled.length).toBe(RECORDS);
    // Sending resumed: the last batch was accepted, the counts are the fake's.
    expect(oom.accepted.has(`S${RECORDS - 1}`)).toBe(true);
    expect(stats).toMatchObject({ pulled: RECORDS, pushed: oom.accepted.size, spooled: spooled.length, failed: spooled.length });
    expect(stats.failedByClass).toEqual({ transient: spooled.length });
    // The two batches that opened it, the spooled ones while open, the failed probe; then all the rest delivered.
    expect(spooled.length).toBeGreaterThan(3 * BATCH);
    expect(stats.fatal).toBeUndefined();
    expect(stats.failures.some((f) => /^not sent: Oomnitza stopped answering .*\(next probe in \d+ s\)$/.test(f.reason))).toBe(true);

    // Replay (Oomnitza answers now) delivers the spooled records once and empties the spool.
    expect(await replay([], { ini: path.join(dir, 'config.ini'), list: false, print: () => undefined }, signal)).toBe(0);
    expect([...oom.accepted.values()].every((n) => n === 1)).toBe(true);
    expect(oom.accepted.size).toBe(RECORDS);
    expect((await spool.batches('csv_assets')).batches).toEqual([]);
  } finally {
    await rt.close();
    await client.close();
    await oom.close();
  }
});

test('an outage that outlasts the run: one message naming the breaker, the records not sent spooled', async () => {
  const faults = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [i + 3, 'reset' as const]));
  const oom = await startChaosOomnitza({ token: TOKEN, faults });
  const dir = tempDir({
    'config.ini': `[oomnitza]\nurl = ${oom.url}\napi_token = ${TOKEN}\nretries = 0\ntimeout = 5\nstop_after_timeouts = 2\nspool_dir = dead\n\n` +
      `[csv_assets]\nenable = True\nfilename = unused.csv\nsync_field = SERIAL_NUMBER\nbatch_size = ${BATCH}\nmapping.SERIAL_NUMBER = serial\n`,
    'unused.csv': 'serial\n',
  });
  const signal = new AbortController().signal;
  const config = await loadConfig(path.join(dir, 'config.ini'), { sections: ['csv_assets'], requireEnabled: true });
  const [rt] = createRuntimes(config, { signal, workers: 2 });
  const client = new OomnitzaClient(config.oomnitza, getLogger('oomnitza'), { now: () => 0 });
  try {
    await client.authenticate();
    const prepared = await prepareSection(rt, { client, online: true, testmode: false }, false);
    const spool = new DeadLetterSpool(path.join(dir, 'dead'));
    async function* serials(): AsyncGenerator<RawRecord> {
      for (let i = 0; i < 100; i++) yield { serial: `S${i}` };
    }
    const stats = await syncSection({ ...prepared, stats: rt.stats }, serials(), { ...runOptions({ testmode: false, saveData: false, workers: 2 }, signal), spool });
    const { batches } = await spool.batches('csv_assets');
    const spooled = batches.flatMap((b) => b.entry.records.map((r) => String(r.SERIAL_NUMBER)));
    expect(oom.accepted.size).toBe(20);
    expect(oom.accepted.size + spooled.length).toBe(100);
    expect(stats).toMatchObject({ pulled: 100, pushed: 20, spooled: 80, failed: 80 });
    expect(stats.fatal).toMatch(/^Oomnitza stopped answering \(timeout = 5 s, retries = 0, stop_after_timeouts = 2\): 2 batches in a row got no answer; the last: .*; \d+ record\(s\) not sent while its circuit breaker was open$/);
    expect(client.pushBreaker.state).toBe('open');
  } finally {
    await rt.close();
    await client.close();
    await oom.close();
  }
});
