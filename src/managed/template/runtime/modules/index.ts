/**
 * `import(name)`: only the pure modules of the original's allow-list that templates use, each a table of the
 * functions (and plain constants) it offers and nothing else. The original hands out the real Python module,
 * and with it whatever that module imported (`import('json').codecs`, `import('uuid').os` reach the file
 * system and `os.system`); here a module has no other attributes, and every name not listed fails closed
 * with SecurityError, in both render modes. `re` is left out: JavaScript regular expressions can backtrack
 * for ever on a hostile pattern.
 */
import { PyError, PyModule, typeName, type Value, ownTable } from '../values.js';
import { BASE64, BINASCII } from './codecs.js';
import { DATETIME, TIME } from './datetime.js';
import { HASHLIB, HMAC } from './hashlib.js';
import { JSON_MODULE } from './jsonModule.js';
import { CALENDAR, HTML, MATH, RANDOM, SECRETS, STRING } from './misc.js';
import { URLLIB_PARSE } from './urlparse.js';
import { UUID } from './uuid.js';

const MODULES: Record<string, PyModule> = ownTable<PyModule>({
  base64: BASE64,
  binascii: BINASCII,
  calendar: CALENDAR,
  datetime: DATETIME,
  hashlib: HASHLIB,
  hmac: HMAC,
  html: HTML,
  json: JSON_MODULE,
  math: MATH,
  random: RANDOM,
  secrets: SECRETS,
  string: STRING,
  time: TIME,
  'urllib.parse': URLLIB_PARSE,
  uuid: UUID,
});

export function importModule(name: Value): PyModule {
  if (typeof name !== 'string') throw new PyError('TypeError', `module name must be str, not ${typeName(name)}`);
  if (!Object.hasOwn(MODULES, name)) throw new PyError('SecurityError', `${name} is not safely importable`);
  return MODULES[name];
}

export const IMPORTABLE = Object.keys(MODULES);
