/** Prints the tables of measured results from bench/README.md (what `npm run bench` ends with). */
import fs from 'node:fs';
import path from 'node:path';
import { root } from './runConnector.js';

const text = fs.readFileSync(path.join(root, 'bench/README.md'), 'utf8');
const from = text.indexOf('## Results');
process.stdout.write(from >= 0 ? text.slice(from) : text);
