import { fieldsUsed } from '../../src/sandbox/recordFields.js';
import { createSandbox } from '../../src/sandbox/sandbox.js';
import { call, converter, filter } from './helpers.js';

const used = (...codes: string[]) => {
  const set = fieldsUsed(codes.map((code, i) => converter(`c${i}`, code)));
  return set && [...set].sort();
};

describe('fieldsUsed: the record fields snippets can read', () => {
  test('dot, optional and quoted access, and record.get of a literal path (the path and its first part)', () => {
    expect(used('return value === "active" ? "In use" : "Unknown"')).toEqual([]);
    expect(used('return record.status !== "retired"', 'return record?.owner + record["serial no"] + record[\'x\']')).toEqual(['owner', 'serial no', 'status', 'x']);
    expect(used('return record.get("hardware.serial", "none") || record.get(\'name\')')).toEqual(['get', 'hardware', 'hardware.serial', 'name']);
    expect(used('record.seen = (record.seen || 0) + 1; return record.seen.toFixed(0)')).toEqual(['seen']);
  });

  test('any other use of record, or a way around the name, means every field', () => {
    for (const code of [
      'return Object.keys(record)',
      'return JSON.stringify(record)',
      'return helper(record)',
      'const r = record; return r.x',
      'return record[field]',
      'return record.get(field)',
      'return record.get',
      'return typeof record.get === "function"',
      'return record?.["x"]',
      'return arguments[0].x',
      'return eval("rec" + "ord").x',
      'return rec\\u006frd.x',
      'const { status } = record; return status',
      'return "x" in record',
      'return record /* the record */ .x',
    ]) {
      expect({ code, used: used(code) }).toEqual({ code, used: undefined });
    }
    // One snippet that needs everything decides for the whole sandbox: the record object is shared.
    expect(used('return record.a', 'return Object.keys(record)')).toBeUndefined();
  });

  test('words that only contain "record" are not the record', () => {
    expect(used('const records = 1; const recordCount = 2; return value')).toEqual([]);
  });

  test('a sandbox whose snippets read few fields gives the same results as one that is sent every field', async () => {
    const snippets = [
      converter('pick', 'return [record.a, record["b c"], record.get("n.deep"), record.get("d.e"), record.missing, record.get("gone", "dflt")]'),
      converter('count', 'record.seen = (record.seen || 0) + 1; return record.seen'),
      filter('return record.keep'),
    ];
    const records = [
      { a: 1, 'b c': 'two', n: { deep: [3] }, 'd.e': 'dotted', keep: true, other: 'x'.repeat(100), seen: 4 },
      { a: null, keep: false, other: 'y' },
      { keep: 1, other: { big: 'not sent' } },
    ];
    const items = records.map((record) => ({ record, filter: 'recordfilter', calls: [call('pick'), call('count')] }));
    const few = await createSandbox(snippets, { timeoutMsPerRecord: 5_000 });
    const all = await createSandbox([...snippets, converter('keys', 'return Object.keys(record)')], { timeoutMsPerRecord: 5_000 });
    try {
      const a = await few.run(items);
      expect(a).toEqual(await all.run(items));
      expect(a[0].values).toEqual([{ value: [1, 'two', [3], 'dotted', null, 'dflt'] }, { value: 5 }]);
      expect(a[1]).toEqual({ filter: { pass: false }, values: [] });
      // A value that cannot cross as JSON fails its record only where a snippet can read it.
      const [ok] = await few.run([{ record: { keep: true, unread: 10n }, filter: 'recordfilter', calls: [call('count')] }]);
      expect(ok).toEqual({ filter: { pass: true }, values: [{ value: 1 }] });
    } finally {
      await few.close();
      await all.close();
    }
  });
});
