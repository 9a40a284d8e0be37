/** The host's path shortcut gives exactly what the template engine gives in native mode, or leaves it to the engine. */
import { FALLBACK, evaluatePath, parsePath } from '../../../src/managed/fastPath.js';
import { mapRecord } from '../../../src/managed/mappings.js';
import type { TemplateEngine } from '../../../src/managed/template/types.js';
import { useTemplateEngine } from '../../helpers/templateEngine.js';

let engine: TemplateEngine;
useTemplateEngine((e) => (engine = e));

const records = [
  {
    serial: 'SN-1', n: '42', f: '14.2', zero: '0042', phone: '312-800-9919', t: 'True', none: 'None', list: '[1, 2]', tuple: '12,345',
    num: 7, flt: 1.5, yes: true, nil: null, obj: { a: { b: 'x' }, items: 'key named items', keys: 1 }, arr: [{ name: 'first' }, { name: '2' }],
    _private: 'p', s: 'text', range: 'r', _AT_id: '5', hex: '0x1F', sp: ' 7', under: '1_000', q: "'q'",
  },
  {},
  { serial: null, obj: null, arr: [] },
];
const templates = [
  'serial', 'n', 'f', 'zero', 'phone', 't', 'none', 'list', 'tuple', 'num', 'flt', 'yes', 'nil', 'missing', 'missing.deeper.x',
  'obj', 'obj.a', 'obj.a.b', "obj['a']['b']", 'obj.items', "obj['items']", "obj['keys']", 'obj.keys', 'obj.missing', "obj['missing']",
  'arr.0.name', 'arr[1].name', 'arr.5', 'arr.0', '_private', 's.upper', 's.missing', 'range', '_AT_id', 'hex', 'sp', 'under', 'q',
  'nil.x', 'num.real', 'arr.count', '{{ serial }}', '{{ obj["a"] }}',
];

test('for every template and record: the shortcut equals the engine (or defers to it)', async () => {
  let shortcut = 0;
  for (const record of records) {
    for (const t of templates) {
      const mappings = { X: { type: 'attribute', value: t } };
      const viaEngine = await mapRecord(record, mappings, engine, { catalog: {} }, { fastPath: false });
      const viaHost = await mapRecord(record, mappings, engine, { catalog: {} });
      expect({ t, record, out: viaHost }).toEqual({ t, record, out: viaEngine });
      const steps = parsePath(t.includes('{{') ? t : `{{${t}}}`);
      if (steps && evaluatePath(steps, record as Record<string, unknown>) !== FALLBACK) shortcut++;
    }
  }
  // Most simple paths are answered in the host.
  expect(shortcut).toBeGreaterThan(80);
});

test('what is not a plain path is left to the engine', () => {
  for (const t of ['{{ a|lower }}', '{{ a }} {{ b }}', '{{ a + 1 }}', '{{ none }}', '{{ a.not }}', '{{ a[b] }}', 'x{{ a }}', '{{ a[-1] }}']) {
    expect(parsePath(t)).toBeUndefined();
  }
  expect(evaluatePath(parsePath('{{ s.upper }}')!, { s: 'x' })).toBe(FALLBACK);
  expect(evaluatePath(parsePath('{{ o.items }}')!, { o: { items: 1 } })).toBe(FALLBACK);
});
