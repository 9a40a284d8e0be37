/**
 * Wire format of a batch, host -> QuickJS. Parsing JSON inside QuickJS is the largest cost of a batch
 * (about 23 ns per byte), so repeated text is sent once per batch:
 * - records of the same key list ("shape") send the keys once and then only their values;
 * - converter calls with the same converter, field and params ("template") send only the value.
 * Format: `{"s": [[key...]...], "t": [[converter, field, params]...], "i": [[shape, values|record, filter, [t, value, t, value...]]...]}`.
 * shape -1 means the record is not a plain object and is sent as is. Keys whose value JSON would drop
 * (undefined, functions, symbols) are left out, exactly as JSON.stringify(record) would do.
 * `fields`: when given, only these keys of a plain record are sent (the ones the snippets can read: recordFields.ts).
 */
import type { SandboxItem } from './types.js';

export const NOT_A_PLAIN_RECORD = -1;

/** Own and enumerable: the keys Object.keys (and JSON) would see. */
const isOwnEnumerable = Object.prototype.propertyIsEnumerable;

interface ShapeNode {
  id?: number;
  next?: Map<string, ShapeNode>;
}

export function encodeBatch(items: SandboxItem[], fields?: ReadonlySet<string>): string {
  const shapes: string[][] = [];
  const shapeRoot: ShapeNode = {};
  const templates: unknown[][] = [];
  // converter -> field -> params JSON -> template index (nested, so no separator can make two keys collide)
  const templateIds = new Map<string, Map<string, Map<string, number>>>();
  // The pipeline reuses one params object per mapping: serialise each object once per batch.
  const paramsText = new Map<object, string>();
  const rows = new Array<unknown[]>(items.length);
  const fieldList = fields && [...fields];

  for (let i = 0; i < items.length; i++) {
    const { record, filter, calls } = items[i];
    let shape = NOT_A_PLAIN_RECORD;
    let payload: unknown = record;
    if (record !== null && typeof record === 'object' && !Array.isArray(record)) {
      const keys: string[] = [];
      const values: unknown[] = [];
      let node = shapeRoot;
      // With a field list, only its names are looked up (in its order: a snippet that can see the order, through
      // Object.keys or JSON.stringify, gets no field list), instead of walking every key of every record.
      for (const key of fieldList ?? Object.keys(record)) {
        if (fieldList && !isOwnEnumerable.call(record, key)) continue;
        const v = record[key];
        if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
        keys.push(key);
        values.push(v);
        // A trie walk instead of joining keys into one string: no separator that a key could contain.
        node.next ??= new Map();
        let child = node.next.get(key);
        if (!child) node.next.set(key, (child = {}));
        node = child;
      }
      if (node.id === undefined) {
        node.id = shapes.length;
        shapes.push(keys);
      }
      shape = node.id;
      payload = values;
    }
    const packedCalls: unknown[] = [];
    for (const c of calls) {
      let params = paramsText.get(c.params);
      if (params === undefined) paramsText.set(c.params, (params = JSON.stringify(c.params)));
      let byField = templateIds.get(c.converter);
      if (!byField) templateIds.set(c.converter, (byField = new Map()));
      let byParams = byField.get(c.field);
      if (!byParams) byField.set(c.field, (byParams = new Map()));
      let t = byParams.get(params);
      if (t === undefined) {
        t = templates.length;
        templates.push([c.converter, c.field, c.params]);
        byParams.set(params, t);
      }
      packedCalls.push(t, c.value);
    }
    rows[i] = [shape, payload, filter ?? null, packedCalls];
  }
  return JSON.stringify({ s: shapes, t: templates, i: rows });
}
