/**
 * Throughput of the snippet sandbox: 100,000 records of 15 fields through one filter and one converter,
 * in batches of 1,000 (what the pipeline sends). Run: `node dist/bench/sandbox.js`. Target: > 50,000 records/s.
 */
import { createSandbox } from '../src/sandbox/sandbox.js';
import type { SandboxItem } from '../src/sandbox/types.js';

const RECORDS = 100_000;
const BATCH = 1_000;
const ROUNDS = 3;

function makeRecord(i: number): Record<string, unknown> {
  return {
    id: i, serial: `SN-${i.toString(36).toUpperCase()}`, name: `host-${i}`, asset_type: i % 10 === 0 ? 'phone' : 'computer',
    model: 'Latitude 7440', vendor: 'Dell', os: 'Windows 11', os_version: '23H2', ram_mb: 16384, disk_gb: 512,
    user: { uid: `u${i % 5000}`, mail: `u${i % 5000}@example.com` }, location: 'HQ', cost: 1299.5,
    purchased: '2024-03-01', active: i % 7 !== 0,
  };
}

function makeItems(): SandboxItem[] {
  return Array.from({ length: RECORDS }, (_, i) => ({
    record: makeRecord(i),
    filter: 'recordfilter',
    calls: [{ converter: 'serial_prefix', field: 'SERIAL_NUMBER', value: `SN-${i}`, params: { sep: '-', index: '1' } }],
  }));
}

async function main(): Promise<void> {
  const sandbox = await createSandbox([
    { name: 'recordfilter', kind: 'filter', code: 'return record.asset_type == "computer" && record.get("user.uid") != None' },
    { name: 'serial_prefix', kind: 'converter', code: 'return String(value).split(params.sep)[Number(params.index)].toLowerCase()' },
  ]);
  const items = makeItems();
  const rates: number[] = [];
  const cpuRates: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      let passed = 0;
      const started = process.hrtime.bigint();
      const cpuBefore = process.cpuUsage();
      for (let i = 0; i < items.length; i += BATCH) {
        const results = await sandbox.run(items.slice(i, i + BATCH));
        for (const r of results) if (r.filter && 'pass' in r.filter && r.filter.pass) passed++;
      }
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (passed !== RECORDS * 0.9) throw new Error(`expected ${RECORDS * 0.9} records to pass the filter, got ${passed}`);
      rates.push(RECORDS / seconds);
      // CPU time of all threads (host + worker): the rate one otherwise idle core would reach.
      const cpu = process.cpuUsage(cpuBefore);
      cpuRates.push(RECORDS / ((cpu.user + cpu.system) / 1e6));
    }
  } finally {
    await sandbox.close();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const fmt = (r: number) => Math.round(r).toLocaleString('en-US');
  console.log(`sandbox: ${RECORDS} records x 15 fields, 1 filter + 1 converter, batches of ${BATCH}, ${ROUNDS} rounds`);
  console.log(`  wall clock: ${rates.map(fmt).join(', ')} records/s; median ${fmt(median(rates))} (${(1e6 / median(rates)).toFixed(1)} µs/record)`);
  console.log(`  per CPU-second (host + worker threads): median ${fmt(median(cpuRates))} records/s (${(1e6 / median(cpuRates)).toFixed(1)} µs/record)`);
}

await main();
