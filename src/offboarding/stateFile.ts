/**
 * A section's offboarding state: one line per record the source returned, sorted by key, then a trailer.
 *
 *   #connector-offboarding-state 1
 *   ["S1"]<TAB>0<TAB>2026-12-02T02:30:00.000Z<TAB>-
 *   ["S2"]<TAB>1<TAB>2026-12-01T02:30:00.000Z<TAB>-        missing from 1 complete run
 *   ["S3"]<TAB>2<TAB>2026-11-30T02:30:00.000Z<TAB>p        missing long enough: pending retirement
 *   ["S4"]<TAB>2<TAB>2026-11-29T02:30:00.000Z<TAB>r        retired
 *   #end {"version":1,"entries":4,"seen":2,...}
 *
 * The key is the JSON array of the record's sync_field values (JSON escapes tabs and newlines, so a key is one
 * field of one line). A run writes the whole new state to a temporary file beside the old one while merging the
 * old state with the run's sorted keys, fsyncs it, then renames it over the old one: a run killed at any point
 * leaves the old state or the new one, never a mix. A file without its trailer, out of order or with a malformed
 * line is refused as damaged (it is not trusted to retire anything).
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { LineReader, LineWriter } from './lines.js';
import { syncDirectory } from '../atomicWrite.js';
import { crashPoint } from '../crashPoint.js';

export const MAGIC = '#connector-offboarding-state 1';
const TRAILER = '#end ';

export interface Trailer {
  version: 1;
  section: string;
  /** Hash of the settings that decide which records the section reads (src/pipeline/sectionFingerprint.ts, shared with incremental reads). */
  configHash: string;
  /** Records in the file. */
  entries: number;
  /** Distinct records the run that wrote the file saw: the base of a percentage retire_max. */
  seen: number;
  /** Whether that run was complete (read to the end, nothing failed). */
  complete: boolean;
  /** True when the pending (`p`) records were retired by the run that wrote the file: then they read as retired. */
  pendingApplied: boolean;
  /** Pending records the guard held back (retire_max); `connector retire --confirm N` applies them. */
  held: number;
  written: string;
}

export type Flag = '-' | 'p' | 'r';

export interface Entry {
  key: string;
  /** Complete runs in a row the record was missing from. */
  missed: number;
  lastSeen: string;
  flag: Flag;
}

export class DamagedState extends Error {}

export function formatEntry(e: Entry): string {
  return `${e.key}\t${e.missed}\t${e.lastSeen}\t${e.flag}`;
}

function parseEntry(line: string, file: string, n: number): Entry {
  const parts = line.split('\t');
  const missed = Number(parts[1]);
  if (parts.length !== 4 || !parts[0].startsWith('[') || !Number.isSafeInteger(missed) || missed < 0 || !['-', 'p', 'r'].includes(parts[3])) {
    throw new DamagedState(`"${file}" line ${n} is not a state entry`);
  }
  return { key: parts[0], missed, lastSeen: parts[2], flag: parts[3] as Flag };
}

/** The trailer of a state file, read from its end; undefined when there is no file. Throws DamagedState. */
export async function readTrailer(file: string): Promise<Trailer | undefined> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(Math.min(size, MAGIC.length + 1));
    await handle.read(head, 0, head.length, 0);
    if (head.toString('utf8') !== `${MAGIC}\n`) throw new DamagedState(`"${file}" is not an offboarding state file (its first line is not "${MAGIC}")`);
    const tailSize = Math.min(size, 64 * 1024);
    const tail = Buffer.alloc(tailSize);
    await handle.read(tail, 0, tailSize, size - tailSize);
    const text = tail.toString('utf8');
    const lines = text.split('\n');
    // A complete file ends with "#end {...}\n": the last element after split is empty.
    const last = lines[lines.length - 2];
    if (lines[lines.length - 1] !== '' || !last?.startsWith(TRAILER)) throw new DamagedState(`"${file}" has no trailer: it was cut short`);
    let trailer: Trailer;
    try {
      trailer = JSON.parse(last.slice(TRAILER.length)) as Trailer;
    } catch {
      throw new DamagedState(`"${file}" has a malformed trailer`);
    }
    if (trailer.version !== 1) throw new DamagedState(`"${file}" has state version ${String(trailer.version)}, which this version does not read`);
    return trailer;
  } finally {
    await handle.close();
  }
}

/** Every entry of a state file, in order; checks order and shape as it goes (a damaged file throws DamagedState). */
export async function* readEntries(file: string): AsyncGenerator<Entry> {
  const reader = new LineReader(file);
  try {
    let n = 0;
    let previous: string | undefined;
    let ended = false;
    for (;;) {
      const line = await reader.next();
      if (line === undefined) break;
      n++;
      if (n === 1) {
        if (line !== MAGIC) throw new DamagedState(`"${file}" is not an offboarding state file`);
        continue;
      }
      if (line.startsWith(TRAILER)) {
        ended = true;
        continue;
      }
      if (ended) throw new DamagedState(`"${file}" has entries after its trailer`);
      const entry = parseEntry(line, file, n);
      if (previous !== undefined && !(previous < entry.key)) throw new DamagedState(`"${file}" line ${n} is out of order`);
      previous = entry.key;
      yield entry;
    }
    if (!ended) throw new DamagedState(`"${file}" has no trailer: it was cut short`);
  } finally {
    reader.close();
  }
}

/**
 * The next state, written to a temporary file in the same folder (so that the rename is atomic), then committed or
 * discarded. Entries must be written in key order.
 */
export class StateWriter {
  entries = 0;
  private constructor(readonly file: string, readonly temp: string, private readonly out: LineWriter) {}

  static async open(file: string): Promise<StateWriter> {
    const dir = path.dirname(file);
    await fs.promises.mkdir(dir, { recursive: true });
    const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    const out = await LineWriter.create(temp);
    await out.write(MAGIC);
    return new StateWriter(file, temp, out);
  }

  async write(e: Entry): Promise<void> {
    this.entries++;
    await this.out.write(formatEntry(e));
    if (this.entries === 2) crashPoint('offboarding:mid-write', this.file);
  }

  /** Writes the trailer, flushes to the disk, renames over the previous state and syncs the folder. */
  async commit(trailer: Omit<Trailer, 'version' | 'entries' | 'written'>, now = new Date()): Promise<void> {
    try {
      const full: Trailer = { version: 1, ...trailer, entries: this.entries, written: now.toISOString() };
      await this.out.write(`${TRAILER}${JSON.stringify(full)}`);
      await this.out.close();
      crashPoint('offboarding:before-rename', this.file);
      await fs.promises.rename(this.temp, this.file);
    } catch (err) {
      await this.discard();
      throw err;
    }
    // Best effort: the state is already complete under its name; a folder that cannot be synced loses nothing now.
    await syncDirectory(path.dirname(this.file)).catch(() => undefined);
  }

  async discard(): Promise<void> {
    await this.out.abandon();
    await fs.promises.rm(this.temp, { force: true });
  }
}

/** Temporary files a killed run left beside the state (only called while holding the section's lock). */
export async function removeLeftovers(dir: string, file: string): Promise<void> {
  const base = `.${path.basename(file)}.`;
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch {
    return;
  }
  await Promise.all(names.filter((n) => n.startsWith(base) && (n.endsWith('.tmp') || n.includes('.seen-')))
    .map((n) => fs.promises.rm(path.join(dir, n), { recursive: true, force: true })));
}
