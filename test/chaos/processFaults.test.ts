/**
 * Chaos suite, process faults (issue 18): SIGTERM and SIGINT mid-run of `connector upload` let the batches in flight
 * finish (or spool them), the summary adds up, and every record read is accepted by Oomnitza or in the spool.
 * The built CLI is spawned: a real signal needs a real process. SIGKILL: killRerun.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { RunReport } from '../../src/pipeline/runReport.js';
import { DeadLetterSpool } from '../../src/spool/deadLetterSpool.js';
import { startFakeOkta } from '../support/fakeOkta.js';
import { startFakeOomnitza } from '../support/fakeOomnitza.js';
import { tempDir } from '../helpers/runCli.js';
import { ROWS, accepted, interrupted, setup, spooled } from '../support/chaosRun.js';

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`${signal} mid-run: batches in flight finish or are spooled, pushed + failed = pulled, every record read is accepted or spooled`, async () => {
    const oom = await startFakeOomnitza({ bulkLatencyMs: 50 });
    try {
      const dir = setup(oom);
      oom.failBulk(503, 2); // two batches already in the spool when the signal comes
      const { code, stderr } = await interrupted(dir, oom, signal, 5);
      expect(code).toBe(1);
      expect(stderr).toContain(`${signal} received`);
      const [s] = (JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8')) as RunReport).sections;
      expect(s.pulled).toBeLessThan(ROWS);
      expect(s.pushed + s.failed).toBe(s.pulled);
      expect(s.stoppedEarly).toBe(true);
      const got = accepted(oom);
      expect(new Set(got).size).toBe(got.length);
      expect(got).toHaveLength(s.pushed);
      const spool = await spooled(dir);
      expect(spool.unreadable).toEqual([]);
      expect(spool.serials.filter((x) => got.includes(x))).toEqual([]);
      // Nothing read is lost: what Oomnitza did not take is in the spool.
      expect(got.length + spool.serials.length).toBe(s.pulled);
      expect(oom.finalized).toHaveLength(1);
      // The lock is released: the next run starts.
      expect(fs.existsSync(path.join(dir, 'dead', 'csv_assets.lock'))).toBe(false);
    } finally {
      await oom.close();
    }
  }, 15_000);
}


test('SIGTERM while an HTTP source (Okta) is being paged: what was read is accepted or spooled, the counts add up', async () => {
  const oom = await startFakeOomnitza({ bulkLatencyMs: 50 });
  const okta = await startFakeOkta({ users: 2000, maxLimit: 20 });
  try {
    const dir = tempDir({
      'config.ini': `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\nretries = 0\nspool_dir = dead\n\n` +
        `[okta]\nenable = True\nurl = ${okta.url}\napi_token = ${okta.token}\nsync_field = USER\ndefault_role = 25\ndefault_position = Employee\nbatch_size = 10\n`,
    });
    oom.failBulk(503, 1);
    const { code, stderr } = await interrupted(dir, oom, 'SIGTERM', 4, 'okta');
    expect(code).toBe(1);
    expect(stderr).toContain('SIGTERM received');
    const [s] = (JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8')) as RunReport).sections;
    expect(s.pulled).toBeLessThan(2000);
    expect(s.pushed + s.failed).toBe(s.pulled);
    const got = oom.records('Okta').map((r) => String(r.USER));
    expect(new Set(got).size).toBe(got.length);
    expect(got).toHaveLength(s.pushed);
    const { batches, unreadable } = await new DeadLetterSpool(path.join(dir, 'dead')).batches('okta');
    expect(unreadable).toEqual([]);
    const inSpool = batches.flatMap((b) => b.entry.records.map((r) => String(r.USER)));
    expect(inSpool.filter((u) => got.includes(u))).toEqual([]);
    expect(got.length + inSpool.length).toBe(s.pulled);
  } finally {
    await oom.close();
    await okta.close();
  }
}, 15_000);
