/** `--report FILE` (issue 18): the outcome of a run as JSON, for schedulers that should not parse logs. */
import fs from 'node:fs';
import path from 'node:path';
import { upload } from '../../src/cli/upload.js';
import type { CommonOptions } from '../../src/cli/options.js';
import { startFakeOomnitza, type FakeOomnitza } from '../support/fakeOomnitza.js';
import { tempDir } from '../helpers/runCli.js';

function setup(oom: FakeOomnitza, records: number) {
  const dir = tempDir({
    'config.ini': `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\nretries = 0\n\n` +
      '[csv_assets]\nenable = True\nfilename = assets.csv\nsync_field = SERIAL_NUMBER\nbatch_size = 10\nmapping.SERIAL_NUMBER = serial\n',
    'assets.csv': `serial\n${Array.from({ length: records }, (_, i) => `S${i}`).join('\n')}\n`,
  });
  const opts: CommonOptions = {
    ini: path.join(dir, 'config.ini'), loggingConfig: 'none.json', loggingConfigExplicit: false, workers: 1, showMappings: false,
    testmode: false, saveData: false, report: path.join(dir, 'report.json'),
  };
  return { dir, opts };
}

test('the report gives counts, error classes with examples, spooled records and the exit code', async () => {
  const oom = await startFakeOomnitza();
  try {
    const { dir, opts } = setup(oom, 25);
    oom.failBulk(503, 1);
    expect(await upload(['csv_assets'], opts, new AbortController().signal)).toBe(1);
    const report = JSON.parse(fs.readFileSync(opts.report!, 'utf8'));
    expect(report).toMatchObject({ command: 'upload', exitCode: 1, connectorVersion: expect.any(String), started: expect.any(String), finished: expect.any(String) });
    expect(report.sections).toHaveLength(1);
    expect(report.sections[0]).toMatchObject({
      section: 'csv_assets', ok: false, pulled: 25, pushed: 15, failed: 10, spooled: 10, notSent: 0, fatal: null,
      failedByClass: { transient: 10, permanent: 0, policy: 0, config: 0 },
      failures: [{ id: expect.stringContaining('SERIAL_NUMBER="S0"'), reason: expect.stringContaining('503'), count: 10, errorClass: 'transient' }],
    });
    expect(typeof report.sections[0].recordsPerSecond).toBe('number');
    expect(fs.statSync(opts.report!).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  } finally {
    await oom.close();
  }
});

test('a report that cannot be written turns a clean run into exit 1 (the scheduler would find no report)', async () => {
  const oom = await startFakeOomnitza();
  try {
    const { dir, opts } = setup(oom, 3);
    expect(await upload(['csv_assets'], { ...opts, report: path.join(dir, 'no-such-folder', 'report.json') }, new AbortController().signal)).toBe(1);
    expect(oom.records()).toHaveLength(3);
  } finally {
    await oom.close();
  }
});
