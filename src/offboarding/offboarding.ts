/**
 * Offboarding for one section's run (src/offboarding/README.md): collects the keys of the records the source returned
 * (SeenRecords.seen), and at the end of the run merges them with the previous state, retires what has been missing
 * from `retire_after_runs` complete runs (update-only, with `retire_mapping`, in the run's portion) unless the
 * retire_max guard holds them, and commits the new state atomically. Testmode prints and keeps the state as it was.
 */
import { parseRetireMax, type RetireMax } from '../config/offboardingSettings.js';
import type { SectionConfig } from '../config/loadConfig.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logging.js';
import type { RunEnd, SeenRecords } from '../pipeline/seenRecords.js';
import type { FieldMappings } from '../records.js';
import { sectionFingerprint } from '../pipeline/sectionFingerprint.js';
import { mergeState, type MergeResult } from './merge.js';
import { retiredRecord, keyOf } from './records.js';
import { SeenKeys } from './seenKeys.js';
import { DamagedState, readTrailer, removeLeftovers, StateWriter, type Trailer } from './stateFile.js';
import { stateFileOf } from './stateDir.js';
import path from 'node:path';

export interface OffboardingOptions {
  section: SectionConfig;
  /** The mappings in effect: part of what the state's scope hash covers. */
  mappings: FieldMappings;
  stateDir: string;
  log: Logger;
  /** Testmode runs take no lock: they must not remove another run's temporary files. */
  testmode: boolean;
  /** Keys held in memory before a spill (tests make it small). */
  chunk?: number;
}

/**
 * The most one run may retire: retire_max of the records the previous run saw. A percentage is rounded up, so that
 * a small section (5% of 18) may still retire one record.
 */
export function retireLimit(max: RetireMax, previousSeen: number): number {
  return 'count' in max ? max.count : Math.ceil((previousSeen * max.percent) / 100 - 1e-9);
}

export class Offboarding implements SeenRecords {
  readonly file: string;
  private readonly seenKeys: SeenKeys;
  private readonly syncFields: string[];
  private readonly hash: string;

  private constructor(private readonly opts: OffboardingOptions, private previous: Trailer | undefined, private damaged: string | undefined) {
    this.file = stateFileOf(opts.stateDir, opts.section.name);
    this.syncFields = opts.section.common.sync_field;
    this.seenKeys = new SeenKeys(opts.stateDir, `.${path.basename(this.file)}.seen-`, opts.chunk);
    this.hash = sectionFingerprint(opts.section, opts.mappings);
  }

  static async open(opts: OffboardingOptions): Promise<Offboarding> {
    const file = stateFileOf(opts.stateDir, opts.section.name);
    if (!opts.testmode) await removeLeftovers(opts.stateDir, file);
    try {
      return new Offboarding(opts, await readTrailer(file), undefined);
    } catch (err) {
      if (!(err instanceof DamagedState)) throw new Error(`cannot read the offboarding state "${file}" (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)})`);
      opts.log.error(`${err.message}; nothing is retired in this run, and the state is rebuilt from it`);
      return new Offboarding(opts, undefined, err.message);
    }
  }

  seen(payload: Record<string, unknown>): void {
    const key = keyOf(payload, this.syncFields);
    if (key !== undefined) this.seenKeys.add(key);
  }

  /** Why this run may not retire anything; undefined when it is complete. */
  private incomplete(run: RunEnd): string | undefined {
    const { stats } = run;
    if (this.damaged) return `the state file was damaged (${this.damaged}); it is rebuilt from this run`;
    if (!this.previous) return 'first run with retire_missing: the state starts here';
    if (run.recordCount !== undefined) return `--record-count ${run.recordCount} limits the read`;
    if (stats.canceled || run.notSending) return `the run stopped early (${stats.stoppedBecause ?? stats.fatal ?? run.notSending ?? 'stopped'})`;
    if (stats.fatal) return 'the section failed';
    if (stats.sourceFailed) return `${stats.sourceFailed} record(s) could not be read from the source`;
    if (stats.failed) return `${stats.failed} record(s) failed`;
    if (this.previous.configHash !== this.hash) return "the section's filter, mappings or source settings changed since the last run; the counts of missing records start over";
    return undefined;
  }

  async end(run: RunEnd): Promise<void> {
    const { section, log } = this.opts;
    const c = section.common;
    const { stats } = run;
    try {
      let why = this.incomplete(run);
      let complete = why === undefined;
      const max = parseRetireMax(c.retire_max);
      const limit = retireLimit(max, this.previous?.seen ?? 0);
      let out = await StateWriter.open(this.file);
      let result: MergeResult;
      try {
        result = await this.merge(out, complete, limit, this.previous !== undefined && this.previous.configHash !== this.hash);
      } catch (err) {
        await out.discard();
        if (!(err instanceof DamagedState)) throw err;
        // Found part-way through (the trailer was intact): start the state over from this run, retiring nothing.
        log.error(`${err.message}; nothing is retired in this run, and the state is rebuilt from it`);
        this.damaged = err.message;
        this.previous = undefined;
        why = this.incomplete(run);
        complete = false;
        out = await StateWriter.open(this.file);
        try {
          result = await this.merge(out, false, 0);
        } catch (again) {
          await out.discard();
          throw again;
        }
      }
      stats.returned = result.returned;
      if (result.returned) log.info(`${result.returned} retired record(s) came back at the source and were pushed again`);
      let pendingApplied = false;
      let held = 0;
      if (!complete) {
        stats.retireNote = `nothing retired: ${why}`;
      } else if (result.pending > limit) {
        held = result.pending;
        stats.held = held;
        stats.fatal ??= `${held} record(s) missing from ${c.retire_after_runs} complete run(s) would be retired, more than retire_max = ${c.retire_max} ` +
          `(${limit} of the ${this.previous?.seen ?? 0} records of the previous run): nothing retired; review them (upload --testmode prints them), ` +
          `then apply with: connector retire ${section.name} --confirm ${held}`;
      } else if (result.pending > 0) {
        if (run.notSending) {
          stats.retireNote = `nothing retired: ${run.notSending}`;
        } else {
          const accepted = await this.retire(result.pendingKeys, run);
          stats.retired = accepted;
          pendingApplied = accepted === result.pending;
          if (!pendingApplied) stats.retireNote = `${result.pending - accepted} record(s) were not retired (Oomnitza did not accept them); the next complete run retires them`;
        }
      }
      if (run.testmode) {
        await out.discard();
        return;
      }
      await out.commit({ section: section.name, configHash: this.hash, seen: result.seen, complete, pendingApplied, held });
    } finally {
      await this.seenKeys.dispose();
    }
  }

  /** A damaged previous state found while merging: the run starts the state over (retiring nothing). */
  private async merge(out: StateWriter, complete: boolean, limit: number, resetCounts = false): Promise<MergeResult> {
    const now = new Date().toISOString();
    const input = { seen: this.seenKeys.sorted(), out, complete, resetCounts, retireAfterRuns: this.opts.section.common.retire_after_runs, keep: limit, now };
    return mergeState({ ...input, previous: this.previous && { file: this.file, trailer: this.previous } });
  }

  /** Pushes the records to retire in batches of batch_size; returns how many Oomnitza accepted. */
  private async retire(keys: string[], run: RunEnd): Promise<number> {
    const c = this.opts.section.common;
    let accepted = 0;
    for (let i = 0; i < keys.length; i += c.batch_size) {
      const part = keys.slice(i, i + c.batch_size);
      const records = part.map((k) => retiredRecord(k, this.syncFields, c.retire_mapping));
      const names = records.map((r) => this.syncFields.map((f) => `${f}=${JSON.stringify(r[f])}`).join(', '));
      if (await run.pushUpdateOnly(records, names)) accepted += part.length;
    }
    this.opts.log[run.testmode ? 'info' : 'warn'](`${run.testmode ? 'would retire' : 'retired'} ${accepted} record(s) missing from the source for ${c.retire_after_runs} complete run(s)`);
    return accepted;
  }
}
