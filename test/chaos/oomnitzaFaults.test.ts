/**
 * Chaos suite, bounded (issue 18): 100,000 records through an Oomnitza that throws every fault it can at the
 * connector (test/support/chaosOomnitza.ts). Every record read ends up either accepted exactly once or in the
 * dead-letter spool (a 401 stops the section's read: what it did not read stays in the source for the next run), the run report's counts equal the fake's, and `connector replay` then delivers the spooled ones exactly once.
 * CHAOS_RECORDS=N runs another size.
 */
import fs from 'node:fs';
import path from 'node:path';
import { replay } from '../../src/cli/replay.js';
import { upload } from '../../src/cli/upload.js';
import type { CommonOptions } from '../../src/cli/options.js';
import type { RunReport } from '../../src/pipeline/runReport.js';
import { DeadLetterSpool } from '../../src/spool/deadLetterSpool.js';
import { startChaosOomnitza, type ChaosOomnitza } from '../support/chaosOomnitza.js';
import { tempDir } from '../helpers/runCli.js';

const PER_SECTION = Math.floor(Number(process.env.CHAOS_RECORDS ?? 100_000) / 2);
const TOKEN = 'chaos-token-0123456789';
const BATCH = 100;

const csv = (prefix: string) => `serial\n${Array.from({ length: PER_SECTION }, (_, i) => `${prefix}${i}`).join('\n')}\n`;

function iniFor(oom: ChaosOomnitza): string {
  const section = (name: string, file: string) =>
    `[${name}]\nenable = True\nfilename = ${file}\nsync_field = SERIAL_NUMBER\nbatch_size = ${BATCH}\nmapping.SERIAL_NUMBER = serial\n\n`;
  return `[oomnitza]\nurl = ${oom.url}\napi_token = ${TOKEN}\nretries = 3\ntimeout = 1\nconnect_timeout = 1\nspool_dir = dead\n\n` +
    section('csv_assets', 'a.csv') + section('csv_assets.B', 'b.csv');
}

function options(ini: string, report: string): CommonOptions {
  return { ini, loggingConfig: 'none.json', loggingConfigExplicit: false, workers: 2, showMappings: false, testmode: false, saveData: false, report };
}

async function spooledSerials(dir: string, section: string): Promise<string[]> {
  const { batches } = await new DeadLetterSpool(path.join(dir, 'dead')).batches(section);
  return batches.flatMap((b) => b.entry.records.map((r) => String(r.SERIAL_NUMBER)));
}

test(`${PER_SECTION * 2} records through 429, 503, HTML 500, resets, a hang, slow answers, a 401 after 40 batches and a failing finalize: nothing lost, nothing twice`, async () => {
  const oom = await startChaosOomnitza({
    token: TOKEN,
    faults: { 2: '429', 4: '503', 6: '500-html', 8: 'reset', 10: 'hang', 12: 'slow', 14: 'reset', 16: '503', 18: '429', 20: '500-html', 25: 'slow' },
    poison: 'A5050',
    // The second section's portion: its token is revoked after 40 batches; the first section's finalize fails.
    unauthorizedAfter: { portion: 2, batches: 40 },
    failFinalize: 1,
  });
  try {
    const dir = tempDir({ 'a.csv': csv('A'), 'b.csv': csv('B') });
    const ini = path.join(dir, 'config.ini');
    const reportFile = path.join(dir, 'report.json');
    fs.writeFileSync(ini, iniFor(oom));

    expect(await upload(['csv_assets', 'csv_assets.B'], options(ini, reportFile), new AbortController().signal)).toBe(1);
    expect(oom.faultsServed).toEqual(['429', '503', '500-html', 'reset', 'hang', 'slow', 'reset', '503', '429', '500-html', 'slow']);
    const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as RunReport;
    expect(report.exitCode).toBe(1);
    const [a, b] = report.sections;

    // Accepted at most once, and every record is accepted or spooled, never both.
    expect([...oom.accepted.values()].every((n) => n === 1)).toBe(true);
    for (const [s, prefix] of [[a, 'A'], [b, 'B']] as const) {
      const spooled = await spooledSerials(dir, s.section);
      expect(new Set(spooled).size).toBe(spooled.length);
      expect(spooled.filter((x) => oom.accepted.has(x))).toEqual([]);
      const acceptedHere = [...oom.accepted.keys()].filter((x) => x.startsWith(prefix));
      // Every record read: accepted or spooled (a section stopped by a 401 reads no further: the rest stays in the source).
      expect(acceptedHere.length + spooled.length).toBe(s.pulled);
      // The report's counts are the fake's.
      expect(s.pushed).toBe(acceptedHere.length);
      expect(s.spooled).toBe(spooled.length);
      expect(s.failed).toBe(spooled.length);
    }
    expect([...oom.acceptedBy.values()]).toEqual([a.pushed, b.pushed]);
    // A: only the poisoned batch (503 after its retries) is spooled; the failing finalize fails the section.
    expect(a.spooled).toBe(BATCH);
    expect(a.failedByClass).toMatchObject({ transient: BATCH });
    expect(a.fatal).toMatch(/finalizing portion .* failed/);
    // B: the 401 stopped the section at once: 40 batches in, the rest spooled as policy failures.
    expect(a.pulled).toBe(PER_SECTION);
    expect(b.pushed).toBe(40 * BATCH);
    expect(b.failedByClass.policy).toBe(b.pulled - 40 * BATCH);
    expect(b.spooled).toBe(b.pulled - 40 * BATCH);
    expect(b.stoppedEarly).toBe(true);
    expect(b.fatal).toMatch(/Oomnitza refused the request/);
    const spooledBefore = (await spooledSerials(dir, 'csv_assets')).length + (await spooledSerials(dir, 'csv_assets.B')).length;
    const acceptedBefore = oom.accepted.size;

    // The admin fixes the token / Oomnitza recovers: replay delivers every spooled record exactly once.
    oom.heal();
    expect(await replay([], { ini, list: false, print: () => undefined }, new AbortController().signal)).toBe(0);
    expect(oom.accepted.size).toBe(acceptedBefore + spooledBefore);
    expect(oom.accepted.size).toBe(a.pulled + b.pulled);
    expect([...oom.accepted.values()].every((n) => n === 1)).toBe(true);
    expect(await spooledSerials(dir, 'csv_assets')).toEqual([]);
    expect(await spooledSerials(dir, 'csv_assets.B')).toEqual([]);
  } finally {
    await oom.close();
  }
}, 120_000);
