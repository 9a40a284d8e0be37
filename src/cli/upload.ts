/** `connector upload <section...>`: the nightly job. Sections run one after the other. */
import { loadConfig, type Config } from '../config/loadConfig.js';
import { Offboarding } from '../offboarding/offboarding.js';
import { errorMessage, isConfigError } from '../errors.js';
import { getLogger } from '../logging.js';
import { connectOomnitza, prepareSection, type OomnitzaConnection } from '../pipeline/prepareSection.js';
import { fingerprintOf, openIncremental } from '../pipeline/incremental.js';
import { Progress } from '../pipeline/progress.js';
import { completeRun } from '../pipeline/runComplete.js';
import { runOptions } from '../pipeline/runOptions.js';
import { createRuntimes, type SectionRuntime } from '../pipeline/sectionRuntime.js';
import { effectiveMappings } from '../pipeline/effectiveMappings.js';
import { parseConverterSpec } from '../records.js';
import { writeRunReport } from '../pipeline/runReport.js';
import { printSummaries, type SectionStats } from '../pipeline/summary.js';
import { stopCause, syncSection } from '../pipeline/syncSection.js';
import { DeadLetterSpool } from '../spool/deadLetterSpool.js';
import { lockSection, type SectionLock } from '../spool/sectionLock.js';
import { spoolDirOf } from '../spool/spoolDir.js';
import { stateDirOf } from '../state/stateDir.js';
import type { CommonOptions } from './options.js';

const log = getLogger('connector');

export async function upload(sectionNames: string[], opts: CommonOptions, signal: AbortSignal): Promise<number> {
  const started = new Date();
  /** The exit code, after --report is written: a report the admin asked for and did not get is a failure. */
  const finish = async (code: number, sections: SectionStats[]): Promise<number> => {
    if (!opts.report) return code;
    try {
      await writeRunReport(opts.report, { command: 'upload', started, exitCode: code, sections });
      return code;
    } catch {
      return code || 1;
    }
  };
  const config = await loadConfig(opts.ini, { sections: sectionNames, requireEnabled: true });
  const runtimes = createRuntimes(config, { signal, workers: opts.workers });
  // The first section's sandbox worker starts while Oomnitza is asked for a session and mappings (bench/startup.ts).
  // prepareSection's own request for the sandbox gets this worker, ready or not (sectionRuntime.ts): nothing waits for
  // it before the mappings are fetched (waiting here left the main thread idle ~100 ms before the first batch).
  if (runtimes.length) void warmSandbox(runtimes[0], config);

  let oomnitza: OomnitzaConnection;
  try {
    oomnitza = await connectOomnitza(config, opts.testmode);
  } catch (err) {
    await Promise.all(runtimes.map((r) => r.close()));
    // A refused login is not an outage: say which, so the admin fixes the token rather than the network.
    const status = (err as { status?: number }).status;
    const refused = isConfigError(err) || status === 401 || status === 403;
    log.error(`${refused ? 'Oomnitza refused the credentials' : 'cannot connect to Oomnitza'}: ${errorMessage(err)}`);
    for (const r of runtimes) r.stats.fatal = refused ? 'Oomnitza refused the credentials ([oomnitza] api_token or username/password); nothing was read' : 'Oomnitza unreachable; nothing was read';
    const all = runtimes.map((r) => (r.stats.finish(), r.stats));
    printSummaries(all, opts.testmode);
    return finish(1, all);
  }

  // --testmode sends nothing: no spool, and no lock (a test run beside the nightly one is harmless).
  const spoolDir = spoolDirOf(config);
  const spool = opts.testmode ? undefined : new DeadLetterSpool(spoolDir);
  const results: SectionStats[] = [];
  const progress = new Progress({ intervalMs: (opts.progressInterval ?? 30) * 1000, testmode: opts.testmode });
  for (const rt of runtimes) {
    const { stats } = rt;
    if (signal.aborted) {
      // Named in the summary, so that the admin sees which sections the stop left out.
      stats.canceled = true;
      stats.stoppedBecause = `${stopCause(signal)}, before the section started`;
      stats.finish();
      await rt.close();
      results.push(stats);
      continue;
    }
    let lock: SectionLock | undefined;
    let untrack: (() => void) | undefined;
    try {
      if (!opts.testmode) lock = await lockSection(spoolDir, rt.section.name, log);
      const prepared = await prepareSection(rt, oomnitza, opts.showMappings);
      const { request } = prepared;
      const testmode = opts.testmode || rt.section.common.test_run;
      const incremental = await openIncremental(rt.section, stateDirOf(config),
        fingerprintOf(rt.section, prepared.mappings, request.fields, request.allFields), rt.log);
      if (incremental) {
        stats.readNote = incremental.note;
        stats.incremental = !incremental.full;
        rt.log.info(`reading: ${incremental.note}`);
      }
      // retire_missing: the records of this run are kept in the section's state (src/offboarding/README.md).
      const seenRecords = rt.section.common.retire_missing
        ? await Offboarding.open({ section: rt.section, mappings: prepared.mappings, stateDir: stateDirOf(config), log: rt.log, testmode })
        : undefined;
      const read = prepared.source.read(incremental ? { ...request, incremental: incremental.read } : request);
      untrack = progress.track(stats);
      await syncSection({ ...prepared, stats }, read, { ...runOptions(opts, signal), spool, seenRecords });
      await completeRun(prepared.source, stats, { testmode, recordCount: opts.recordCount }, incremental, rt.log);
    } catch (err) {
      stats.fatal ??= errorMessage(err);
    } finally {
      untrack?.();
      stats.finish();
      await rt.close();
      await lock?.release();
    }
    results.push(stats);
  }
  progress.stop();
  await oomnitza.client.close();
  printSummaries(results, opts.testmode);
  return finish(results.every((s) => s.ok) && !signal.aborted ? 0 : 1, results);
}

/**
 * Starts a section's sandbox worker (QuickJS in a thread: ~0.2-0.3 s) during the round trips to Oomnitza, when the
 * section needs one whatever Oomnitza answers: it has a filter, or its INI or default mappings use a custom converter.
 * With use_server_map the server's mappings may name further custom converters, so the sandbox then gets every one
 * in [converters] (a superset, which the runtime keeps for the section). Errors are left for prepareSection to report.
 */
function warmSandbox(rt: SectionRuntime, config: Config): Promise<unknown> {
  const { section } = rt;
  const specs = Object.values(effectiveMappings(section, {})).flatMap((m) => (m.converter ? [m.converter] : []));
  const custom = new Set(config.converters.map((c) => c.name));
  if (!section.filter && !specs.some((spec) => custom.has(parseConverterSpec(spec).name))) return Promise.resolve();
  return rt.sandbox(section.common.use_server_map ? [...specs, ...custom] : specs).catch(() => undefined);
}
