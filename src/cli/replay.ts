/**
 * `connector replay [section...]`: sends the batches of the dead-letter spool ([oomnitza] spool_dir) to Oomnitza
 * again, each section in a new portion, deleting a spooled batch only once Oomnitza accepted it. `--list` shows what
 * is spooled and why, sending nothing. Exit 0 when the spool of the named sections is empty afterwards.
 */
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../config/loadConfig.js';
import { errorClass, errorMessage } from '../errors.js';
import { getLogger, redactor } from '../logging.js';
import { OomnitzaClient } from '../oomnitza/client.js';
import { escapeForLog } from '../logText.js';
import { DeadLetterSpool, sectionFolder, type SpooledBatch } from '../spool/deadLetterSpool.js';
import { lockSection } from '../spool/sectionLock.js';
import { spoolDirOf } from '../spool/spoolDir.js';
import { VERSION } from '../version.js';

const log = getLogger('replay');

export interface ReplayOptions {
  ini: string;
  list: boolean;
  /** Where --list writes (stdout). */
  print: (text: string) => void;
}

export async function replay(sections: string[], opts: ReplayOptions, signal: AbortSignal): Promise<number> {
  const config = await loadConfig(opts.ini, { sections: [], requireEnabled: false });
  const dir = spoolDirOf(config);
  const spool = new DeadLetterSpool(dir);
  const spooled = await spool.sections();
  const chosen = sections.length ? sections.map(sectionFolder) : spooled;
  for (const s of chosen) if (!spooled.includes(s)) log.info(`[${s}]: nothing spooled in "${dir}"`);
  const present = chosen.filter((s) => spooled.includes(s));
  if (opts.list) return list(spool, present, dir, opts.print);
  if (present.length === 0) {
    log.info(`the spool "${dir}" holds nothing to replay`);
    return 0;
  }

  const client = new OomnitzaClient(config.oomnitza, getLogger('oomnitza'));
  let ok = true;
  try {
    await client.authenticate();
    for (const section of present) {
      if (signal.aborted) {
        ok = false;
        break;
      }
      const result = await replaySection(spool, section, client, dir, signal);
      ok &&= result.ok;
      if (result.refused) break;
    }
  } catch (err) {
    log.error(`cannot replay: ${errorMessage(err)}; the spool is unchanged`);
    ok = false;
  } finally {
    await client.close();
  }
  return ok ? 0 : 1;
}

async function replaySection(
  spool: DeadLetterSpool, section: string, client: OomnitzaClient, dir: string, signal: AbortSignal,
): Promise<{ ok: boolean; refused: boolean }> {
  // A replay beside a running upload of the same section would race it; the lock says which run holds it.
  const lock = await lockSection(dir, section, log);
  try {
    const { batches, unreadable, leftovers } = await spool.batches(section);
    for (const u of unreadable) log.error(`[${section}]: cannot read the spool file "${u.file}" (${u.reason}); left in place`);
    for (const file of leftovers) {
      log.warn(`[${section}]: removing "${file}": a run was killed while writing it to the spool, before the batch counted as spooled (a rerun of the section sends those records)`);
      await spool.removeLeftover(file);
    }
    const portion = randomUUID();
    let delivered = 0;
    let kept = 0;
    let refused = false;
    for (const batch of batches) {
      if (signal.aborted || refused) {
        kept += batch.entry.records.length;
        continue;
      }
      const e = batch.entry;
      try {
        await client.pushBulk({
          connector_version: VERSION, sync_field: e.sync_field, records: e.records, portion, data_type: e.data_type as 'assets' | 'users',
          insert_only: e.insert_only, update_only: e.update_only, error: null, connector_name: e.connector_name,
        }, signal);
        await spool.remove(batch);
        delivered += e.records.length;
      } catch (err) {
        kept += e.records.length;
        // Refused credentials fail every further batch too (and count towards an account lockout): stop here.
        refused = errorClass(err) === 'policy';
        log.error(`[${section}] ${escapeForLog(describe(batch), 300)}: ${redactor.redact(errorMessage(err))}; kept in the spool`);
      }
    }
    if (delivered > 0) await client.finalize(portion, signal);
    log.info(`[${section}] replayed ${delivered} record(s) in portion ${portion}; ${kept} still spooled`);
    return { ok: kept === 0 && unreadable.length === 0, refused };
  } finally {
    await lock.release();
  }
}

function describe(batch: SpooledBatch): string {
  const names = batch.entry.names;
  return names.length <= 1 ? (names[0] ?? 'a batch') : `${names.length} records, ${names[0]} ... ${names[names.length - 1]}`;
}

async function list(spool: DeadLetterSpool, sections: string[], dir: string, print: (text: string) => void): Promise<number> {
  if (sections.length === 0) {
    print(`the spool "${dir}" is empty`);
    return 0;
  }
  for (const section of sections) {
    const { batches, unreadable, leftovers } = await spool.batches(section);
    const records = batches.reduce((n, b) => n + b.entry.records.length, 0);
    print(`[${section}] ${records} record(s) in ${batches.length} batch(es)${unreadable.length ? `, ${unreadable.length} unreadable file(s)` : ''}`);
    for (const b of batches) {
      print(`  ${b.entry.time} ${b.entry.errorClass} ${escapeForLog(describe(b), 300)}: ${escapeForLog(redactor.redact(b.entry.cause), 600)}`);
    }
    for (const u of unreadable) print(`  unreadable ${u.file}: ${u.reason}`);
    for (const file of leftovers) print(`  unfinished ${file}: a killed run's temporary file, not a batch (replay removes it)`);
  }
  return 0;
}
