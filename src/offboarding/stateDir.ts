/** The offboarding state of a section: one file in [oomnitza] state_dir (src/state/stateDir.ts). */
import path from 'node:path';

/** One file per section; the section name is the admin's text, so it is made safe for every file system. */
export function stateFileOf(dir: string, section: string): string {
  return path.join(dir, `${section.replace(/[^A-Za-z0-9._-]/g, '_')}.state`);
}
