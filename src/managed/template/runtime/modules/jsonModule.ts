/** import('json'): dumps and loads only (the real module's attributes, `json.codecs` among them, are not here). */
import { jsonDumps, jsonLoads } from '../json.js';
import { PyBytes, PyModule, bind, iterate, truthy, typeError, type Value } from '../values.js';
import { decodeBytes } from '../utf8.js';
import { fn } from './common.js';

export const JSON_MODULE = new PyModule('json', {
  dumps: fn('dumps', (a, k) => {
    const names = ['obj', 'skipkeys', 'ensure_ascii', 'check_circular', 'allow_nan', 'cls', 'indent', 'separators', 'default', 'sort_keys'];
    const [obj, , ensureAscii, , , , indent, separators, , sortKeys] = bind('dumps', a, k, names, 1);
    let seps: [string, string] | undefined;
    if (separators !== undefined && separators !== null) {
      const pair = iterate(separators);
      if (pair.length !== 2) throw typeError('separators must be a pair of strings');
      seps = [String(pair[0]), String(pair[1])];
    }
    return jsonDumps(obj, {
      ensureAscii: truthy(ensureAscii ?? true),
      sortKeys: truthy(sortKeys ?? false),
      indent: indent === undefined || indent === null ? null : (indent as number | string),
      separators: seps,
    });
  }),
  loads: fn('loads', (a, k) => {
    const [s] = bind('loads', a, k, ['s'], 1);
    const text: Value = s instanceof PyBytes ? decodeBytes(s.data) : s;
    if (typeof text !== 'string') throw typeError(`the JSON object must be str, bytes or bytearray, not ${typeof text}`);
    return jsonLoads(text);
  }),
});
