/**
 * The rows of issue 19's table (bench/table.ts prints them). A bench that measures one of its cases calls saveRow;
 * the row goes to the JSON-lines file in BENCH_RESULTS (set by `npm run bench`), or nowhere when the bench runs alone.
 */
import fs from 'node:fs';

export interface BenchRow {
  /** Stable id, the key of bench/baseline.json: `pipeline.100k.0ms.8w.rss`. */
  key: string;
  /** What was measured, as the table shows it. */
  label: string;
  value: number;
  unit: 'records/s' | 'MB' | 'ms';
  /** The target: `>= 36000`, `<= 120`. */
  target: { op: '>=' | '<='; value: number };
  /** The figure the ratio is taken to: 40,000 records/s, 120 MB, `node -e 0` for start-up. */
  ideal: number;
  /** How the row was measured. */
  command: string;
  /** CPU time (user + system) of the measured process, steadier than wall clock on a shared machine. */
  cpuMs?: number;
  note?: string;
}

export function saveRow(row: BenchRow): void {
  const file = process.env.BENCH_RESULTS;
  if (file) fs.appendFileSync(file, `${JSON.stringify(row)}\n`);
}

/** A row count as the keys and labels spell it: 100000 -> "100k", 1000000 -> "1M". */
export function rowsLabel(n: number): string {
  return n >= 1_000_000 ? `${n / 1_000_000}M` : `${Math.round(n / 1000)}k`;
}
