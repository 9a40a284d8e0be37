/** Where state kept between runs lives: [oomnitza] state_dir, relative to the INI; default "state" beside it. */
import path from 'node:path';
import type { Config } from '../config/loadConfig.js';

export function stateDirOf(config: Pick<Config, 'dir' | 'oomnitza'>): string {
  return path.resolve(config.dir, config.oomnitza.state_dir || 'state');
}
