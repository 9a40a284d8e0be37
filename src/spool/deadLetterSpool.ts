/**
 * The dead-letter spool: batches that could not be delivered (refused for good, or still failing after every
 * retry, or cut off by a stop) are kept on disk with their cause, so `connector replay` can send them later instead
 * of the admin re-running the whole section.
 *
 * Layout: `<spool_dir>/<section>/<time>-<uuid>.json`, one file per undelivered batch. One file per batch makes
 * both halves crash-safe without a journal: a file is written to a temporary name, fsynced and renamed (a reader
 * never sees half a batch), and replay deletes a file only after Oomnitza accepted its records. Files are 0600
 * (records are personal data); record values that are secrets are redacted before they reach the disk.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { errorMessage, type ErrorClass } from '../errors.js';
import { redactor } from '../logging.js';
import { syncDirectory, writeFileAtomic } from '../atomicWrite.js';

/** What a spooled batch needs to be sent again exactly as it would have been (the bulk payload's envelope). */
export interface SpoolEnvelope {
  connector_name: string;
  data_type: string;
  sync_field: string[];
  insert_only: boolean;
  update_only: boolean;
}

export interface SpoolEntry extends SpoolEnvelope {
  /** Format version of the file, so a later connector can read an older spool. */
  version: 1;
  section: string;
  /** The portion the records were meant for (replay sends them in a new one). */
  portion: string;
  time: string;
  cause: string;
  errorClass: ErrorClass;
  /** How the pipeline named each record (`SERIAL_NUMBER="S5" (record #5, assets.csv:6)`), for `replay --list`. */
  names: string[];
  records: Record<string, unknown>[];
}

/** A spooled batch as read back: the entry and its file (deleted once delivered). */
export interface SpooledBatch {
  file: string;
  entry: SpoolEntry;
}

export class SpoolError extends Error {}

/** Folder names come from section names (`casper.MDM`); anything else a file system dislikes is replaced. */
export function sectionFolder(section: string): string {
  return section.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** Whether the process named in a temporary file's name (`.<name>.<pid>.<random>.tmp`) still runs (it may be writing it). */
function writerRuns(temp: string): boolean {
  const pid = Number(/\.(\d+)\.[0-9a-f]+\.tmp$/.exec(temp)?.[1]);
  if (!Number.isSafeInteger(pid) || pid <= 0) return true;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class DeadLetterSpool {
  constructor(readonly dir: string) {}

  /** Writes one undelivered batch durably. Throws SpoolError when it cannot (the caller reports the records as lost). */
  async append(entry: Omit<SpoolEntry, 'version' | 'time'>): Promise<string> {
    const folder = path.join(this.dir, sectionFolder(entry.section));
    const full: SpoolEntry = { version: 1, time: new Date().toISOString(), ...entry, records: redactor.redactDeep(entry.records) };
    const name = `${full.time.replace(/[:.]/g, '-')}-${randomUUID()}.json`;
    try {
      await fs.promises.mkdir(folder, { recursive: true, mode: 0o700 });
      await writeFileAtomic(path.join(folder, name), JSON.stringify(full), { syncDir: true });
    } catch (err) {
      throw new SpoolError(`cannot write to the spool "${folder}" (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)})`);
    }
    return path.join(folder, name);
  }

  /** Sections with spooled batches (folder names), sorted. */
  async sections(): Promise<string[]> {
    const entries = await fs.promises.readdir(this.dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [];
      throw err;
    });
    return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  }

  /**
   * The batches of one section, oldest first. A file that does not parse (a disk fault, a hand edit) is returned as
   * an error rather than skipped: replay must not pretend the spool is empty. `leftovers`: temporary files of a
   * writer killed before its rename (atomicWrite.ts names them `.<name>.<pid>.<random>.tmp`) whose process no longer
   * runs: that batch was never reported as spooled, and the file may be half written, so it is not a batch.
   */
  async batches(section: string): Promise<{ batches: SpooledBatch[]; unreadable: Array<{ file: string; reason: string }>; leftovers: string[] }> {
    const folder = path.join(this.dir, sectionFolder(section));
    const all = await fs.promises.readdir(folder).catch(() => [] as string[]);
    const leftovers = all.filter((n) => n.startsWith('.') && n.endsWith('.tmp') && !writerRuns(n)).sort().map((n) => path.join(folder, n));
    const names = all.filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort();
    const batches: SpooledBatch[] = [];
    const unreadable: Array<{ file: string; reason: string }> = [];
    for (const n of names) {
      const file = path.join(folder, n);
      try {
        const entry = JSON.parse(await fs.promises.readFile(file, 'utf8')) as SpoolEntry;
        if (entry.version !== 1 || !Array.isArray(entry.records)) throw new Error('not a spool file of this version');
        batches.push({ file, entry });
      } catch (err) {
        unreadable.push({ file, reason: errorMessage(err) });
      }
    }
    return { batches, unreadable, leftovers };
  }

  /** A leftover of batches(): removed once reported. */
  async removeLeftover(file: string): Promise<void> {
    await fs.promises.rm(file, { force: true });
    await fs.promises.rmdir(path.dirname(file)).catch(() => undefined);
  }

  /** Called once Oomnitza accepted the batch's records. */
  async remove(batch: SpooledBatch): Promise<void> {
    await fs.promises.rm(batch.file, { force: true });
    await syncDirectory(path.dirname(batch.file));
    // An emptied section folder goes too, so `replay --list` shows only what is left.
    await fs.promises.rmdir(path.dirname(batch.file)).catch(() => undefined);
  }
}
