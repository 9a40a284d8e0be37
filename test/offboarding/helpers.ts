/** Shared by the offboarding tests: runs `upload` in process and sorts what the fake Oomnitza received. */
import { upload } from '../../src/cli/upload.js';
import type { CommonOptions } from '../../src/cli/options.js';
import type { BulkRequest, FakeOomnitza } from '../support/fakeOomnitza.js';
import { captureLogs } from '../sources/ldap/helpers.js';

export function options(ini: string, extra: Partial<CommonOptions> = {}): CommonOptions {
  return { ini, loggingConfig: 'none.json', loggingConfigExplicit: false, workers: 1, showMappings: false, testmode: false, saveData: false, ...extra };
}

export interface Run {
  code: number;
  /** The bulk requests of this run, in order. */
  bulks: BulkRequest[];
  /** Update-only bulk requests (the retirements) of this run. */
  retired: Array<Record<string, unknown>>;
  /** Records pushed normally in this run. */
  pushed: Array<Record<string, unknown>>;
  logs: string;
  stdout: string;
  /** Portions finalized in this run. */
  finalized: string[];
  /** The oomnitza request log of this run. */
  requests: string[];
}

export async function run(oom: FakeOomnitza, ini: string, section: string, extra: Partial<CommonOptions> = {}): Promise<Run> {
  const before = oom.bulkRequests.length;
  const finalizedBefore = oom.finalized.length;
  const logBefore = oom.log.length;
  const logs = captureLogs();
  const out: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
  let code: number;
  try {
    code = await upload([section], options(ini, extra), new AbortController().signal);
  } finally {
    process.stdout.write = write;
    logs.stop();
  }
  const bulks = oom.bulkRequests.slice(before);
  return {
    code,
    bulks,
    retired: bulks.filter((b) => b.update_only).flatMap((b) => b.records),
    pushed: bulks.filter((b) => !b.update_only).flatMap((b) => b.records),
    logs: logs.lines.join('\n'),
    stdout: out.join(''),
    finalized: oom.finalized.slice(finalizedBefore),
    requests: oom.log.slice(logBefore),
  };
}
