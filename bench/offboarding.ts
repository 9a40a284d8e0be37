/**
 * Offboarding benchmark (not a test): the state of a section with N records (default 1,000,000). Each phase runs
 * in its own child process so that its peak RSS is its own:
 *   build   - a first run sees N records: keys spilled in sorted chunks, merged, the state written
 *   merge   - a second complete run sees N - 1,000 of them: streaming merge against the N-record state
 *   retire  - a third complete run: the 1,000 missing records become pending and are "pushed" (a no-op push)
 * The pipeline is left out (bench/pipeline.ts measures it): records go straight into SeenRecords.seen(), which is
 * what syncSection calls per record.
 *
 *   npm run build && node dist/bench/offboarding.js [records=1000000]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/loadConfig.js';
import { getLogger } from '../src/logging.js';
import { Offboarding } from '../src/offboarding/offboarding.js';
import { SectionStats } from '../src/pipeline/summary.js';

const MISSING = 1000;

async function phase(dir: string, n: number, name: string): Promise<void> {
  const config = await loadConfig(path.join(dir, 'config.ini'), { sections: ['csv_assets'], requireEnabled: true });
  const section = config.sections[0];
  const ob = await Offboarding.open({ section, mappings: section.iniMappings, stateDir: path.join(dir, 'state'), log: getLogger('bench'), testmode: false });
  const baseMb = process.memoryUsage().rss / 1024 / 1024;
  const started = process.hrtime.bigint();
  const skip = name === 'build' ? 0 : MISSING;
  for (let i = 0; i < n; i++) {
    // The missing ones are spread over the key space (every n/1000th record).
    if (skip && i % Math.floor(n / MISSING) === 0) continue;
    ob.seen({ SERIAL_NUMBER: `SN${String(i).padStart(9, '0')}`, NAME: `host-${i}` });
  }
  const stats = new SectionStats('csv_assets');
  let pushed = 0;
  await ob.end({ stats, testmode: false, pushUpdateOnly: async (records) => ((pushed += records.length), true) });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const size = fs.statSync(ob.file).size;
  const rssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ phase: name, seconds, baseMb, rssMb, stateMb: size / 1e6, retired: stats.retired, held: stats.held, pushed }) + '\n');
}

async function main(): Promise<void> {
  const [, , a, b, c] = process.argv;
  if (a === '--phase') return phase(b, Number(c), process.argv[5]);
  const n = Number(a ?? 1_000_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-offboarding-'));
  fs.writeFileSync(path.join(dir, 'config.ini'), '[oomnitza]\nurl = https://example.oomnitza.com\napi_token = x\n\n' +
    '[csv_assets]\nenable = True\nfilename = config.ini\nsync_field = SERIAL_NUMBER\nmapping.SERIAL_NUMBER = serial\n' +
    `retire_missing = True\nretire_mapping = {"STATUS": "Retired"}\nretire_max = ${MISSING}\nretire_after_runs = 2\n`);
  const self = fileURLToPath(import.meta.url);
  try {
    for (const name of ['build', 'merge', 'retire']) {
      const out = execFileSync(process.execPath, [self, '--phase', dir, String(n), name], { encoding: 'utf8' });
      const r = JSON.parse(out.trim().split('\n').pop()!) as { phase: string; seconds: number; baseMb: number; rssMb: number; stateMb: number; retired: number; held: number };
      console.log(`${r.phase.padEnd(7)} ${n.toLocaleString('en')} records: ${r.seconds.toFixed(1)} s, peak RSS ${r.rssMb.toFixed(0)} MB (${r.baseMb.toFixed(0)} MB before the first record), state ${r.stateMb.toFixed(0)} MB, retired ${r.retired}, held ${r.held}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
