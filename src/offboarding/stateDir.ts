/** Where the offboarding state lives: [oomnitza] state_dir, relative to the INI; default "state" beside it. */
import path from 'node:path';
import type { Config } from '../config/loadConfig.js';

export function stateDirOf(config: Pick<Config, 'dir' | 'oomnitza'>): string {
  return path.resolve(config.dir, config.oomnitza.state_dir || 'state');
}

/** One file per section; the section name is the admin's text, so it is made safe for every file system. */
export function stateFileOf(dir: string, section: string): string {
  return path.join(dir, `${section.replace(/[^A-Za-z0-9._-]/g, '_')}.state`);
}
