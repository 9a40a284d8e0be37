/**
 * Wire format of a batch, host -> QuickJS. Parsing JSON inside QuickJS is the largest cost of a batch (about
 * 0.25 µs per string, 0.15 µs per number and 0.3 µs per array or object, in an interpreter under V8's baseline
 * wasm compiler), so what repeats is sent once per batch and each record is a run of bare values:
 * - records of the same key list ("shape") send the keys once, then only their values;
 * - converter calls with the same converter, field and params ("template") send only the value;
 * - records with the same shape, filter and templates ("layout") follow each other without any per-record framing.
 * Format: `{"s": [[key...]...], "t": [[converter, field, params]...], "l": [[shape, filter|null, [t...]]...],
 * "i": [layout, count, values..., layout, count, values...]}`: after `layout, count` come `count` records, each the
 * values of its shape's keys (one value, the record itself, for shape -1: not a plain object), then one value per
 * template of the layout. A CSV or LDAP batch is usually one layout: `[0, 250, v, v, v, ...]`.
 * Keys whose value JSON would drop (undefined, functions, symbols) are left out, exactly as JSON.stringify(record)
 * would do. `fields`: when given, only these keys of a plain record are sent (the ones the snippets can read:
 * recordFields.ts).
 */
import type { ConverterCall, SandboxItem } from './types.js';

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
  /** The template of a call: its index in `templates`, added the first time it is seen. */
  const templateId = ({ converter, field, params: paramsObject }: ConverterCall): number => {
    let params = paramsText.get(paramsObject);
    if (params === undefined) paramsText.set(paramsObject, (params = JSON.stringify(paramsObject)));
    let byField = templateIds.get(converter);
    if (!byField) templateIds.set(converter, (byField = new Map()));
    let byParams = byField.get(field);
    if (!byParams) byField.set(field, (byParams = new Map()));
    let t = byParams.get(params);
    if (t === undefined) {
      t = templates.length;
      templates.push([converter, field, paramsObject]);
      byParams.set(params, t);
    }
    return t;
  };
  const layouts: Array<[shape: number, filter: string | null, calls: number[]]> = [];
  const layoutIds = new Map<string, number>();
  const flat: unknown[] = [];
  const fieldList = fields && [...fields];
  // The run being written: its layout and where its count stands in `flat`.
  let run: { layout: (typeof layouts)[number]; countAt: number } | undefined;
  // One record's keys, values and template ids, in arrays reused from record to record and filled by index:
  // `length = 0` would drop their backing stores, and a fresh array per record was ~450 of the ~820 bytes this
  // function allocated per record (issue 19: what the main thread allocates is what its collections cost).
  const keys: string[] = [];
  const values: unknown[] = [];
  const callIds: number[] = [];

  for (let i = 0; i < items.length; i++) {
    const { record, filter = null, calls } = items[i];
    let nValues = 0;
    let shape = NOT_A_PLAIN_RECORD;
    if (record !== null && typeof record === 'object' && !Array.isArray(record)) {
      let nKeys = 0;
      let node = shapeRoot;
      // With a field list, only its names are looked up (in its order: a snippet that can see the order, through
      // Object.keys or JSON.stringify, gets no field list), instead of walking every key of every record.
      const names = fieldList ?? Object.keys(record);
      for (let k = 0; k < names.length; k++) {
        const key = names[k];
        if (fieldList && !isOwnEnumerable.call(record, key)) continue;
        const v = record[key];
        if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
        keys[nKeys++] = key;
        values[nValues++] = v;
        // A trie walk instead of joining keys into one string: no separator that a key could contain.
        node.next ??= new Map();
        let child = node.next.get(key);
        if (!child) node.next.set(key, (child = {}));
        node = child;
      }
      if (node.id === undefined) {
        node.id = shapes.length;
        shapes.push(keys.slice(0, nKeys));
      }
      shape = node.id;
    } else {
      values[nValues++] = record;
    }
    let nCalls = 0;
    for (let c = 0; c < calls.length; c++) {
      callIds[nCalls++] = templateId(calls[c]);
      values[nValues++] = calls[c].value;
    }
    // Most records continue the run of the one before; a new layout (or an earlier one again) starts a run.
    if (!run || run.layout[0] !== shape || run.layout[1] !== filter || !sameIds(run.layout[2], callIds, nCalls)) {
      const ids = callIds.slice(0, nCalls);
      const key = JSON.stringify([shape, filter, ids]);
      let layout = layoutIds.get(key);
      if (layout === undefined) {
        layoutIds.set(key, (layout = layouts.length));
        layouts.push([shape, filter, ids]);
      }
      run = { layout: layouts[layout], countAt: flat.length + 1 };
      flat.push(layout, 0);
    }
    flat[run.countAt] = (flat[run.countAt] as number) + 1;
    for (let v = 0; v < nValues; v++) flat.push(values[v]);
  }
  return JSON.stringify({ s: shapes, t: templates, l: layouts, i: flat });
}

/** Whether `ids` is exactly the first `n` of `scratch` (a reused array, longer than what it holds now). */
function sameIds(ids: readonly number[], scratch: readonly number[], n: number): boolean {
  if (ids.length !== n) return false;
  for (let i = 0; i < n; i++) if (ids[i] !== scratch[i]) return false;
  return true;
}
