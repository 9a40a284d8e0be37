/**
 * `connector retire <section> --confirm N`: applies a retirement the retire_max guard held back (src/offboarding/
 * README.md). N must be the held count the summary printed, so that what is applied is what the admin reviewed.
 * The pending records are pushed update-only with the retire mapping in a new portion, then the state marks them
 * retired (written to a temporary file and renamed). A push that fails changes no state: run the command again.
 */
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../config/loadConfig.js';
import { errorMessage } from '../errors.js';
import { getLogger } from '../logging.js';
import { retiredRecord } from '../offboarding/records.js';
import { stateFileOf } from '../offboarding/stateDir.js';
import { stateDirOf } from '../state/stateDir.js';
import { readEntries, readTrailer, StateWriter } from '../offboarding/stateFile.js';
import { OomnitzaClient } from '../oomnitza/client.js';
import { lockSection } from '../spool/sectionLock.js';
import { spoolDirOf } from '../spool/spoolDir.js';
import { VERSION } from '../version.js';

const log = getLogger('retire');

export interface RetireOptions {
  ini: string;
  /** The held count the admin confirms. */
  confirm: number;
  print: (text: string) => void;
}

export async function retire(sectionName: string, opts: RetireOptions, signal: AbortSignal): Promise<number> {
  const config = await loadConfig(opts.ini, { sections: [sectionName], requireEnabled: false });
  const section = config.sections[0];
  const c = section.common;
  if (!c.retire_missing) {
    log.error(`[${section.name}] retire_missing is not set: there is nothing to retire`);
    return 1;
  }
  const file = stateFileOf(stateDirOf(config), section.name);
  const lock = await lockSection(spoolDirOf(config), section.name, log);
  const client = new OomnitzaClient(config.oomnitza, getLogger('oomnitza'));
  try {
    const trailer = await readTrailer(file);
    if (!trailer?.held) {
      log.error(`[${section.name}] no retirement is held${trailer ? '' : ` (no state in "${file}")`}; the summary of an upload says when one is`);
      return 1;
    }
    if (opts.confirm !== trailer.held) {
      log.error(`[${section.name}] ${trailer.held} record(s) are held, not ${opts.confirm}: review them (upload --testmode) and confirm that count`);
      return 1;
    }
    await client.authenticate();
    const variant = section.plugin.variant(section.settings as never);
    const portion = randomUUID();
    let batch: Record<string, unknown>[] = [];
    let sent = 0;
    const flush = async () => {
      if (!batch.length) return;
      if (signal.aborted) throw new Error('stopped');
      await client.pushBulk({
        connector_version: VERSION, sync_field: c.sync_field, records: batch, portion, data_type: variant.dataType,
        insert_only: false, update_only: true, error: null, connector_name: variant.mappingName,
      }, signal);
      sent += batch.length;
      batch = [];
    };
    // First pass: push (streamed, batch_size at a time). Second pass: the state with the pending records retired.
    for await (const e of readEntries(file)) {
      if (e.flag !== 'p') continue;
      batch.push(retiredRecord(e.key, c.sync_field, c.retire_mapping));
      if (batch.length >= c.batch_size) await flush();
    }
    await flush();
    await client.finalize(portion, signal);
    const out = await StateWriter.open(file);
    try {
      for await (const e of readEntries(file)) await out.write(e.flag === 'p' ? { ...e, flag: 'r' } : e);
    } catch (err) {
      await out.discard();
      throw err;
    }
    const { version: _v, entries: _e, written: _w, ...rest } = trailer;
    await out.commit({ ...rest, held: 0, pendingApplied: true });
    log.warn(`[${section.name}] retired ${sent} record(s) in portion ${portion}`);
    opts.print(`[${section.name}] retired ${sent}`);
    return 0;
  } catch (err) {
    log.error(`[${section.name}] cannot apply the held retirement: ${errorMessage(err)}; the state is unchanged, run the command again`);
    return 1;
  } finally {
    await client.close();
    await lock.release();
  }
}
