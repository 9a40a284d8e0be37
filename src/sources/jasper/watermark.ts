/**
 * The `storage` state file: the time up to which every modified terminal has been synced, as the original kept it
 * (the date-time alone, as text), in the state file every incremental source uses (src/state/stateFile.ts: atomic
 * replace, never overwrites a file that is not ours).
 */
import { StateFile } from '../../state/stateFile.js';
import { parseXsdDateTime } from './dateTime.js';

/** More than any date-time: a file this long is not ours, so it is never overwritten. */
const MAX_LENGTH = 64;

export class WatermarkFile extends StateFile {
  constructor(file: string, section: string) {
    super(file, {
      section,
      key: 'storage',
      maxLength: MAX_LENGTH,
      valid: (text) => Boolean(parseXsdDateTime(text)),
      what: 'a date-time',
      notOurs: 'does not hold a date-time (the time of the last sync); point storage at another file, or delete this one to read every terminal again',
    });
  }
}
