/** Where the spool and the section locks live: [oomnitza] spool_dir, relative to the INI; default "spool" beside it. */
import path from 'node:path';
import type { Config } from '../config/loadConfig.js';

export function spoolDirOf(config: Pick<Config, 'dir' | 'oomnitza'>): string {
  return path.resolve(config.dir, config.oomnitza.spool_dir || 'spool');
}
