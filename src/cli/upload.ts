/** `connector upload <section...>`: the nightly job. Sections run one after the other. */
import { loadConfig } from '../config/loadConfig.js';
import { errorMessage, isConfigError } from '../errors.js';
import { getLogger } from '../logging.js';
import { connectOomnitza, prepareSection, type OomnitzaConnection } from '../pipeline/prepareSection.js';
import { completeRun } from '../pipeline/runComplete.js';
import { runOptions } from '../pipeline/runOptions.js';
import { createRuntimes } from '../pipeline/sectionRuntime.js';
import { printSummaries, type SectionStats } from '../pipeline/summary.js';
import { stopCause, syncSection } from '../pipeline/syncSection.js';
import type { CommonOptions } from './options.js';

const log = getLogger('connector');

export async function upload(sectionNames: string[], opts: CommonOptions, signal: AbortSignal): Promise<number> {
  const config = await loadConfig(opts.ini, { sections: sectionNames, requireEnabled: true });
  const runtimes = createRuntimes(config, { signal, workers: opts.workers });

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
    printSummaries(runtimes.map((r) => (r.stats.finish(), r.stats)), opts.testmode);
    return 1;
  }

  const results: SectionStats[] = [];
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
    try {
      const prepared = await prepareSection(rt, oomnitza, opts.showMappings);
      await syncSection({ ...prepared, stats }, prepared.source.read(prepared.request), runOptions(opts, signal));
      await completeRun(prepared.source, stats, { testmode: opts.testmode || rt.section.common.test_run, recordCount: opts.recordCount });
    } catch (err) {
      stats.fatal ??= errorMessage(err);
    } finally {
      stats.finish();
      await rt.close();
    }
    results.push(stats);
  }
  await oomnitza.client.close();
  printSummaries(results, opts.testmode);
  return results.every((s) => s.ok) && !signal.aborted ? 0 : 1;
}
