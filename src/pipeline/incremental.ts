/**
 * Incremental reads (`sync_mode = incremental`): which watermark a section's read starts from, whether this run is a
 * full sweep instead, and the state saved after a complete, successful run (runComplete.ts gates it exactly as it
 * gates Source.onRunComplete). The state is one small JSON file per section under [oomnitza] state_dir, written
 * with the same atomic state file as [jasper]'s watermark (src/state/stateFile.ts).
 *
 * A run reads everything when there is no saved watermark, when the saved one was earned with other settings,
 * mappings or a filter (a record unchanged at the source would otherwise never get the new mapping), when the
 * source says the watermark is not one of its own, and every `full_sweep_every` runs, so that a deleted record is
 * missed by a full read (the offboarding side counts only full reads).
 */
import path from 'node:path';
import type { SectionConfig } from '../config/loadConfig.js';
import { parseFullSweep } from '../config/commonSettings.js';
import type { Logger } from '../logging.js';
import type { FieldMappings } from '../records.js';
import type { IncrementalRead } from '../sources/types.js';
import { StateFile } from '../state/stateFile.js';
import { sectionFingerprint } from './sectionFingerprint.js';

/** What the state file holds. */
export interface IncrementalState {
  version: 1;
  /** The section type (a state file copied to another section's name is not used). */
  source: string;
  watermark: string;
  /** Complete incremental runs since the last full read. */
  incrementalRuns: number;
  /** Hash of what decides which records a read returns and how they are pushed (settings, mappings, filter). */
  fingerprint: string;
  /** When the last full read completed, and when this state was saved (ISO, for the admin). */
  lastFullRead: string;
  savedAt: string;
}

/** deltaLinks are a few hundred characters; a state file this long is not ours. */
const MAX_STATE = 64 * 1024;

/** The file of a section's incremental state: section names become file names (dots kept, anything odd escaped). */
export function incrementalStateFile(stateDir: string, section: string): string {
  return path.join(stateDir, `${section.replace(/[^A-Za-z0-9._-]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}.incremental.json`);
}

function parseState(text: string): IncrementalState | undefined {
  try {
    const s = JSON.parse(text) as IncrementalState;
    const ok = s && s.version === 1 && typeof s.source === 'string' && typeof s.watermark === 'string' && s.watermark !== '' &&
      Number.isInteger(s.incrementalRuns) && s.incrementalRuns >= 0 && typeof s.fingerprint === 'string';
    return ok ? s : undefined;
  } catch {
    return undefined;
  }
}

/** The section's fingerprint (sectionFingerprint), with the fields the read asks for: a deltaLink keeps its $select. */
export function fingerprintOf(section: SectionConfig, mappings: FieldMappings, fields: string[], allFields: boolean): string {
  return sectionFingerprint(section, mappings, { fields: [...fields].sort(), allFields });
}

export interface IncrementalRun {
  /** What the source gets in its read request. */
  readonly read: IncrementalRead;
  /** 'incremental since ...' or 'full read (why)': logged, and said in the summary line. */
  readonly note: string;
  readonly full: boolean;
  /** Saves the watermark the read earned (called only after a complete, successful run); says what it did. */
  save(): Promise<string | undefined>;
}

/**
 * The section's incremental run, or undefined when its sync_mode is full. A state file that cannot be read is a
 * ConfigError (naming state_dir), as [jasper]'s storage: never overwritten, never silently ignored.
 */
export async function openIncremental(
  section: SectionConfig,
  stateDir: string,
  fingerprint: string,
  log: Logger,
  now: () => Date = () => new Date(),
): Promise<IncrementalRun | undefined> {
  if (section.common.sync_mode !== 'incremental' || !section.plugin.incremental) return undefined;
  const descriptor = section.plugin.incremental;
  const file = new StateFile(incrementalStateFile(stateDir, section.name), {
    section: 'oomnitza',
    key: 'state_dir',
    maxLength: MAX_STATE,
    what: 'incremental state',
    valid: (text) => parseState(text) !== undefined,
    notOurs: 'does not hold the incremental state of a section; point state_dir at another folder, or delete the file to read everything again',
  });
  const saved = parseState((await file.read()) ?? '');
  const sweep = parseFullSweep(section.common.full_sweep_every);
  const every = 'runs' in sweep ? sweep.runs : 0;
  const daysSinceFull = saved ? (now().getTime() - Date.parse(saved.lastFullRead)) / 86_400_000 : 0;
  let why: string | undefined;
  if (!saved) why = 'no watermark saved yet';
  else if (saved.source !== section.type) why = `the saved watermark is of another source ([${saved.source}])`;
  else if (saved.fingerprint !== fingerprint) why = 'the settings, mappings or filter changed since the watermark was saved';
  else if (!descriptor.valid(saved.watermark)) why = 'the saved watermark is not one this source wrote';
  else if (every > 0 && saved.incrementalRuns + 1 >= every) why = `full sweep: one run in ${every} reads everything (full_sweep_every)`;
  else if ('days' in sweep && sweep.days > 0 && !(daysSinceFull < sweep.days)) {
    why = `full sweep: the last full read is ${Math.floor(daysSinceFull)} day(s) old (full_sweep_every = ${sweep.days}d)`;
  }
  const full = why !== undefined;
  const since = full ? undefined : saved!.watermark;
  const note = full ? `full read (${why})` : `incremental: changed since ${shortWatermark(since!)}`;
  if (full && saved && why?.startsWith('the saved watermark is not')) log.warn(`${file.file}: ${why}; reading everything`);
  let earned: string | undefined;
  return {
    read: { since, advance: (w) => { earned = w; } },
    note,
    full,
    async save() {
      if (earned === undefined) return undefined;
      const at = now().toISOString();
      const state: IncrementalState = {
        version: 1,
        source: section.type,
        watermark: earned,
        incrementalRuns: full ? 0 : saved!.incrementalRuns + 1,
        fingerprint,
        lastFullRead: full ? at : saved!.lastFullRead,
        savedAt: at,
      };
      await file.write(JSON.stringify(state, null, 2));
      return `saved the watermark ${shortWatermark(earned)} to ${file.file}`;
    },
  };
}

/** A deltaLink's token is long and says nothing: name the link by its path only. */
function shortWatermark(w: string): string {
  if (/^https?:\/\//.test(w)) {
    try {
      return `the delta link of ${new URL(w).pathname}`;
    } catch {
      return 'the saved delta link';
    }
  }
  return w;
}
