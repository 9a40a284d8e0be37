import { buildLocationTable, createLocationConverter, location, locationTableKey, type LocationTableKey } from '../../src/converters/location.js';

const response = [
  { location_id: 'loc-hq', name: 'Headquarters', code: 'HQ' },
  { location_id: 'loc-nyc', name: 'New York', code: 'NYC' },
  { location_id: '', name: 'No Id' },
  { location_id: 'loc-x' },
  null,
  'junk',
];

describe('location', () => {
  test('buildLocationTable maps label -> id and skips incomplete rows', () => {
    const table = buildLocationTable(response, { idField: 'location_id', labelField: 'name' });
    expect([...table]).toEqual([['Headquarters', 'loc-hq'], ['New York', 'loc-nyc']]);
  });

  test('buildLocationTable on a response that is not a list is empty', () => {
    expect(buildLocationTable({ error: 'x' }, { idField: 'location_id', labelField: 'name' }).size).toBe(0);
  });

  test.each([
    [{}, { idField: 'location_id', labelField: 'name' }],
    [{ field: 'code', label: 'name' }, { idField: 'code', labelField: 'name' }],
    [{ field: '' }, undefined],
    [{ field: true as const }, undefined],
  ])('locationTableKey(%j)', (params, expected) => {
    expect(locationTableKey(params)).toEqual(expected);
  });

  describe('with a loaded table', () => {
    const requested: LocationTableKey[] = [];
    const misses: string[] = [];
    const convert = createLocationConverter(
      (key) => {
        requested.push(key);
        return buildLocationTable(response, key);
      },
      (value) => misses.push(value),
    );
    const run = (value: unknown, params: Record<string, string | true> = {}) =>
      convert({ field: 'site', record: {}, value, params });

    test.each([
      ['known name gives its id', 'New York', {}, 'loc-nyc'],
      ['a value that already is an id, any case', 'LOC-HQ', {}, 'loc-hq'],
      ['unknown name comes back unchanged', 'Paris', {}, 'Paris'],
      ['other label field', 'NYC', { label: 'code' }, 'loc-nyc'],
      ['multi-valued value', ['Headquarters'], {}, 'loc-hq'],
      ['empty gives null', '', {}, null],
      ['null gives null', null, {}, null],
      ['number gives null (the original raised)', 5, {}, null],
      ['empty field param gives null (the original raised)', 'New York', { field: '' }, null],
    ])('%s', (_label, value, params, expected) => {
      expect(run(value, params)).toEqual(expected);
    });

    test('unknown names are reported, the table is asked by (field, label)', () => {
      expect(misses).toContain('Paris');
      expect(misses).not.toContain('New York');
      expect(requested).toContainEqual({ idField: 'location_id', labelField: 'code' });
    });
  });

  test('the registry entry has no table: values come back unchanged', () => {
    expect(location({ field: 'f', record: {}, value: 'New York', params: {} })).toBe('New York');
    expect(location({ field: 'f', record: {}, value: '', params: {} })).toBeNull();
  });
});
