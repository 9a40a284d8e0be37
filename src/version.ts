import fs from 'node:fs';
import { builtFile } from './builtFiles.js';

/** The package version; read once from package.json (two levels up from dist/src/). */
export const VERSION: string = (
  JSON.parse(fs.readFileSync(builtFile('../../package.json'), 'utf8')) as { version: string }
).version;
