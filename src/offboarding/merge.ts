/**
 * One streaming pass over the previous state and the run's sorted keys that writes the next state: records seen
 * are reset (a retired one that is back counts as returned), records missing from a complete run have their count
 * raised and become pending once it reaches retire_after_runs. Memory: one entry of each input, plus at most
 * `keep` pending keys (the ones this run may retire).
 */
import type { Entry, StateWriter, Trailer } from './stateFile.js';
import { readEntries } from './stateFile.js';

export interface MergeInput {
  /** The previous state file and its trailer; absent on the first run. */
  previous?: { file: string; trailer: Trailer };
  seen: AsyncIterable<string>;
  out: StateWriter;
  /** A complete run raises the missing records' counts; any other run only records what it saw. */
  complete: boolean;
  /**
   * The section's scope changed (filter, mappings, source settings): misses counted under the old scope say nothing
   * about the new one, so the counts of the records not retired start over.
   */
  resetCounts?: boolean;
  retireAfterRuns: number;
  /** Pending keys kept in memory (the most this run may retire); beyond it they are only counted. */
  keep: number;
  now: string;
}

export interface MergeResult {
  /** Distinct records seen in this run. */
  seen: number;
  /** Pending records (to retire, or to hold): all of them are counted, the first `keep` listed. */
  pending: number;
  pendingKeys: string[];
  /** Records that had been retired and came back. */
  returned: number;
  /** Records that had been pending and came back before being retired. */
  recovered: number;
}

export async function mergeState(input: MergeInput): Promise<MergeResult> {
  const { out, complete, retireAfterRuns, keep, now } = input;
  const applied = input.previous?.trailer.pendingApplied ?? false;
  const result: MergeResult = { seen: 0, pending: 0, pendingKeys: [], returned: 0, recovered: 0 };
  const prevIt = input.previous ? readEntries(input.previous.file)[Symbol.asyncIterator]() : undefined;
  const seenIt = input.seen[Symbol.asyncIterator]();
  const nextPrev = async (): Promise<Entry | undefined> => (prevIt ? ((await prevIt.next()).value as Entry | undefined) : undefined);
  const nextSeen = async (): Promise<string | undefined> => (await seenIt.next()).value as string | undefined;
  const pending = async (e: Entry) => {
    result.pending++;
    // A copy: the key read from the file is a slice of a 128 KB block, which a kept slice would keep alive whole.
    if (result.pendingKeys.length < keep) result.pendingKeys.push(Buffer.from(e.key, 'utf8').toString('utf8'));
    await out.write(e);
  };

  let p = await nextPrev();
  let s = await nextSeen();
  while (p !== undefined || s !== undefined) {
    if (s !== undefined && (p === undefined || s <= p.key)) {
      if (p !== undefined && s === p.key) {
        const wasRetired = p.flag === 'r' || (p.flag === 'p' && applied);
        if (wasRetired) result.returned++;
        else if (p.flag === 'p') result.recovered++;
        p = await nextPrev();
      }
      result.seen++;
      await out.write({ key: s, missed: 0, lastSeen: now, flag: '-' });
      s = await nextSeen();
      continue;
    }
    // p is missing from this run.
    const e = p!;
    p = await nextPrev();
    const retired = e.flag === 'r' || (e.flag === 'p' && applied);
    if (retired) {
      await out.write({ ...e, flag: 'r' });
    } else if (input.resetCounts) {
      await out.write({ ...e, missed: 0, flag: '-' });
    } else if (!complete) {
      await out.write(e);
    } else {
      const missed = e.missed + 1;
      if (missed >= retireAfterRuns) await pending({ ...e, missed, flag: 'p' });
      else await out.write({ ...e, missed, flag: '-' });
    }
  }
  return result;
}
