/**
 * Chaos suite, SIGKILL (issue 18): a run killed mid-way, then a rerun: the spool is readable, the dead run's lock is
 * taken over, `connector replay` works, and an incremental watermark is the last complete run's. Spawns the built CLI.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startFakeOkta } from '../support/fakeOkta.js';
import { startFakeOomnitza, type FakeOomnitza } from '../support/fakeOomnitza.js';
import { runCli, tempDir } from '../helpers/runCli.js';
import { accepted, all, interrupted, setup, spooled } from '../support/chaosRun.js';

test('SIGKILL mid-run, then a rerun: the spool is readable, the dead run\'s lock is taken over, replay delivers the spool', async () => {
  const oom = await startFakeOomnitza({ bulkLatencyMs: 50 });
  let fresh: FakeOomnitza | undefined;
  try {
    const dir = setup(oom);
    oom.failBulk(503, 3);
    const { code, pid } = await interrupted(dir, oom, 'SIGKILL', 8);
    expect(code).toBeNull();
    // The dead run left its lock behind, naming its PID.
    const lockFile = path.join(dir, 'dead', 'csv_assets.lock');
    expect(JSON.parse(fs.readFileSync(lockFile, 'utf8'))).toMatchObject({ pid });
    const before = await spooled(dir);
    expect(before.unreadable).toEqual([]);
    expect(before.serials.length).toBeGreaterThan(0);

    // The rerun talks to an Oomnitza without the latency that kept batches in flight (the same data, a fast test).
    fresh = await startFakeOomnitza({ token: oom.token });
    fs.writeFileSync(path.join(dir, 'config.ini'), fs.readFileSync(path.join(dir, 'config.ini'), 'utf8').replace(oom.url, fresh.url));
    const rerun = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir, timeoutMs: 20_000 });
    expect(rerun.stderr).toMatch(/taking over a stale lock .* of PID \d+ .*which no longer runs/);
    expect(rerun.code).toBe(0);
    expect(fs.existsSync(lockFile)).toBe(false);
    expect(new Set(accepted(fresh))).toEqual(new Set(all));

    const replayed = await runCli(['replay', 'csv_assets', '--ini', 'config.ini'], { cwd: dir, timeoutMs: 20_000 });
    expect(replayed.code).toBe(0);
    expect(await spooled(dir)).toEqual({ serials: [], unreadable: [] });
    expect(fs.existsSync(lockFile)).toBe(false);
    // Replayed into a new portion, finalized.
    expect(fresh.finalized).toHaveLength(2);
  } finally {
    await oom.close();
    await fresh?.close();
  }
}, 15_000);

test('SIGKILL mid-way through an incremental run: the saved watermark is the last complete run\'s, readable; the rerun reads the changes again', async () => {
  const oom = await startFakeOomnitza({ bulkLatencyMs: 30 });
  const okta = await startFakeOkta({ users: 300, maxLimit: 50 });
  try {
    const dir = tempDir({
      'config.ini': `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\nretries = 0\nspool_dir = dead\n\n` +
        `[okta]\nenable = True\nurl = ${okta.url}\napi_token = ${okta.token}\nsync_field = USER\ndefault_role = 25\ndefault_position = Employee\n` +
        'batch_size = 10\nsync_mode = incremental\nfull_sweep_every = 5\n',
    });
    const stateFile = path.join(dir, 'state', 'okta.incremental.json');
    const first = await runCli(['upload', 'okta', '--ini', 'config.ini', '--workers', '3'], { cwd: dir, timeoutMs: 20_000 });
    expect(first.code).toBe(0);
    const saved = fs.readFileSync(stateFile, 'utf8');

    const touched = Array.from({ length: 150 }, (_, i) => okta.touch(i * 2).profile.login);
    const before = oom.bulkRequests.length;
    oom.bulkRequests.length = 0;
    expect(before).toBeGreaterThan(0);
    const { code } = await interrupted(dir, oom, 'SIGKILL', 3, 'okta');
    expect(code).toBeNull();
    // The killed run saved nothing: the watermark is still the first run's, and the file is whole.
    expect(fs.readFileSync(stateFile, 'utf8')).toBe(saved);
    expect(fs.readdirSync(path.dirname(stateFile)).filter((f) => !f.endsWith('.json'))).toEqual([]);

    oom.bulkRequests.length = 0;
    const rerun = await runCli(['upload', 'okta', '--ini', 'config.ini', '--workers', '3'], { cwd: dir, timeoutMs: 20_000 });
    expect(rerun.stderr).toMatch(/taking over a stale lock/);
    expect(rerun.code).toBe(0);
    // Every change the killed run may have lost is read and pushed again.
    expect(new Set(oom.records('Okta').map((r) => r.USER))).toEqual(new Set(touched));
    const after = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as { watermark: string; incrementalRuns: number };
    expect(after.incrementalRuns).toBe(1);
    expect(Date.parse(after.watermark)).toBeGreaterThanOrEqual(Date.parse((JSON.parse(saved) as { watermark: string }).watermark));
  } finally {
    await oom.close();
    await okta.close();
  }
}, 15_000);
