import { getPath, mergeMappings, parseConverterSpec, parseMappingValue } from '../../src/records.js';

describe('mapping values', () => {
  test('JSON object', () => {
    expect(parseMappingValue('{"source": "serial", "converter": "capitalize", "required": true}')).toEqual({
      source: 'serial',
      converter: 'capitalize',
      required: true,
    });
  });
  test('bare string is a source', () => {
    expect(parseMappingValue('hardware.serial')).toEqual({ source: 'hardware.serial' });
  });
  test('hardcoded list and setting', () => {
    expect(parseMappingValue('{"hardcoded": []}')).toEqual({ hardcoded: [] });
    expect(parseMappingValue('{"setting": "default_role"}')).toEqual({ setting: 'default_role' });
  });
  test('"required": "True" as the original wrote it', () => {
    expect(parseMappingValue('{"source": "mail", "required": "True"}').required).toBe(true);
  });
  test.each([
    ['{"source": "x"', /malformed mapping JSON/],
    ["{'source': 'x'}", /malformed mapping JSON.*double quotes/],
    ['{"src": "x"}', /unknown mapping key\(s\) "src"/],
    ['{"source": 5}', /"source" must be a string/],
    ['{}', /needs one of/],
    ['[1]', /malformed|must be a JSON object/],
  ])('%s is rejected', (raw, message) => {
    expect(() => parseMappingValue(raw)).toThrow(message);
  });
});

describe('converter specs', () => {
  test.each([
    ['capitalize', { name: 'capitalize', params: {} }],
    ['date_format:format=%Y-%m-%d|utc', { name: 'date_format', params: { format: '%Y-%m-%d', utc: true } }],
    ['split:sep=,|index=1', { name: 'split', params: { sep: ',', index: '1' } }],
  ])('%s', (spec, expected) => expect(parseConverterSpec(spec)).toEqual(expected));
});

describe('dotted paths', () => {
  const record = { a: { b: { c: 1 } }, list: [{ name: 'x' }, { name: 'y' }], 'dotted.key': 'd', empty: '' };
  test.each([
    ['a.b.c', 1],
    ['list.1.name', 'y'],
    ['dotted.key', 'd'],
    ['empty', ''],
    ['a.missing', undefined],
    ['list.x.name', undefined],
    ['a.b.c.d', undefined],
  ])('%s', (path, expected) => expect(getPath(record, path)).toEqual(expected));
  test('null and non-objects', () => {
    expect(getPath(null, 'a')).toBeUndefined();
    expect(getPath('text', 'length')).toBeUndefined();
  });
});

test('later mappings override earlier ones key by key', () => {
  expect(mergeMappings({ A: { source: 'x', converter: 'c' }, B: { source: 'b' } }, { A: { source: 'y' } })).toEqual({
    A: { source: 'y', converter: 'c' },
    B: { source: 'b' },
  });
});

describe('user-named keys that are Object.prototype names are plain keys', () => {
  const PROTO_NAMES = ['constructor', 'toString', '__proto__', 'hasOwnProperty'];

  test.each(PROTO_NAMES)('mergeMappings keeps a field named %s', (field) => {
    const layer = JSON.parse(`{"${field}": {"source": "a"}}`);
    const merged = mergeMappings({ A: { source: 'x' } }, layer, JSON.parse(`{"${field}": {"required": true}}`));
    expect(Object.keys(merged)).toEqual(['A', field]);
    expect(Object.getOwnPropertyDescriptor(merged, field)?.value).toEqual({ source: 'a', required: true });
  });

  test.each(PROTO_NAMES)('a converter argument named %s is an own parameter only when given', (name) => {
    expect(Object.getOwnPropertyDescriptor(parseConverterSpec(`split:${name}=1`).params, name)?.value).toBe('1');
    expect(parseConverterSpec('split:on=@').params[name]).toBeUndefined();
  });
});
