/** `connector upload <section...>`: the nightly job. */
import { loadConfig } from '../config/loadConfig.js';
import { errorMessage } from '../errors.js';
import { getLogger, redactor } from '../logging.js';
import { OomnitzaClient } from '../oomnitza/client.js';
import { effectiveMappings, formatMappingsTable } from '../pipeline/effectiveMappings.js';
import { mappedFields, type FieldMappings } from '../pipeline/mapping.js';
import { createRuntimes } from '../pipeline/sectionRuntime.js';
import type { SectionStats } from '../pipeline/summary.js';
import { syncSection } from '../pipeline/syncSection.js';
import { VERSION } from '../version.js';
import type { CommonOptions } from './options.js';

const log = getLogger('connector');

export async function upload(sectionNames: string[], opts: CommonOptions, signal: AbortSignal): Promise<number> {
  const config = await loadConfig(opts.ini, { sections: sectionNames, requireEnabled: true });
  const runtimes = createRuntimes(config, { signal, workers: opts.workers });

  // Oomnitza: authenticate once. In testmode an unreachable Oomnitza is not fatal: INI mappings only.
  const oomnitza = new OomnitzaClient(config.oomnitza, getLogger('oomnitza'), opts.testmode ? { retry: { retries: 1 }, timeoutMs: 10_000 } : {});
  let online = true;
  try {
    await oomnitza.authenticate();
  } catch (err) {
    if (!opts.testmode) {
      await oomnitza.close();
      await Promise.all(runtimes.map((r) => r.close()));
      log.error(`cannot connect to Oomnitza: ${errorMessage(err)}`);
      printSummaries(runtimes.map((r) => ((r.stats.fatal = 'Oomnitza unreachable'), r.stats.finish(), r.stats)), opts.testmode);
      return 1;
    }
    online = false;
    log.warn(`Oomnitza is not reachable (${errorMessage(err)}); testmode continues using the INI mappings only`);
  }

  const results: SectionStats[] = [];
  for (const rt of runtimes) {
    if (signal.aborted) break;
    const { section, stats } = rt;
    try {
      let server: FieldMappings = {};
      if (online && section.common.use_server_map) {
        server = await oomnitza.getMappings(section.plugin.mappingName(section.settings as never));
      }
      const mappings = effectiveMappings(section, server);
      if (opts.showMappings) process.stdout.write(`${formatMappingsTable(section.name, mappings)}\n`);
      if (Object.keys(mappings).length === 0) {
        stats.fatal = 'no field mappings: add mapping.FIELD lines to the section or mappings in Oomnitza';
      } else {
        const converters = Object.values(mappings).flatMap((m) => (m.converter ? [m.converter] : []));
        const sandbox = await rt.sandbox(converters);
        // Filters and custom converters may read any field, so then the source reads everything it cheaply can.
        const records = rt.source.read({ fields: mappedFields(mappings), allFields: Boolean(sandbox) });
        await syncSection(
          { section, mappings, oomnitza: opts.testmode ? undefined : oomnitza, sandbox, stats, log: rt.log },
          records,
          {
            testmode: opts.testmode,
            saveData: opts.saveData,
            recordCount: opts.recordCount,
            workers: opts.workers,
            signal,
            print: (text) => process.stdout.write(`${text}\n`),
            connectorVersion: VERSION,
            saveDir: 'save_data',
          },
        );
      }
    } catch (err) {
      stats.fatal ??= errorMessage(err);
    } finally {
      stats.finish();
      await rt.close();
    }
    results.push(stats);
  }
  await oomnitza.close();
  printSummaries(results, opts.testmode);
  return results.every((s) => s.ok) && !signal.aborted ? 0 : 1;
}

function printSummaries(all: SectionStats[], testmode: boolean): void {
  for (const s of all) {
    const lines = [s.line(testmode), ...s.details()].map((l) => redactor.redact(l));
    // The summary is the one thing an admin reads after a night run: it goes to the log and to stderr.
    (s.ok ? log.info.bind(log) : log.error.bind(log))(lines.join('\n'));
  }
}
