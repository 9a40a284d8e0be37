import { casperExtensionAttribute } from '../../src/converters/casper_extension_attribute.js';

const run = (record: Record<string, unknown>, params: Record<string, string | true>) =>
  casperExtensionAttribute({ field: 'f', record, value: undefined, params });

const computer = {
  general: { serial_number: 'C02L13ECF8J2' },
  extension_attributes: [
    { id: 1, name: 'Department Code', type: 'String', multi_value: false, value: 'IT-42' },
    { id: 2, name: 'Department Code', type: 'String', multi_value: false, value: 'second' },
    { id: 3, name: 'Blank', type: 'String', value: '' },
    { id: 4, name: 'No Value', type: 'String' },
  ],
};

describe('casper_extension_attribute', () => {
  test.each([
    ['first attribute with that exact name', { attr: 'Department Code' }, 'IT-42'],
    ['empty value is returned as is, not the default', { attr: 'Blank', default: 'd' }, ''],
    ['attribute without value gives null', { attr: 'No Value', default: 'd' }, null],
    ['unknown name gives default', { attr: 'Missing', default: 'n/a' }, 'n/a'],
    ['unknown name without default gives null', { attr: 'Missing' }, null],
    ['names are case-sensitive', { attr: 'department code' }, null],
    ['no attr param gives default', { default: 'd' }, 'd'],
    ['attr given as a flag gives default', { attr: true as const, default: 'd' }, 'd'],
  ])('computer: %s', (_label, params, expected) => {
    expect(run(computer, params)).toBe(expected);
  });

  test('mobile device: same list shape', () => {
    const device = { general: { udid: 'x' }, extension_attributes: [{ id: 9, name: 'Carrier', type: 'String', value: 'ACME' }] };
    expect(run(device, { attr: 'Carrier' })).toBe('ACME');
  });

  test.each([
    ['XML-shaped list', { extension_attributes: { extension_attribute: [{ name: 'A', value: '1' }] } }, '1'],
    ['XML-shaped single object', { extension_attributes: { extension_attribute: { name: 'A', value: '2' } } }, '2'],
    ['Jamf Pro API values list', { extensionAttributes: [{ name: 'A', values: ['3'] }] }, '3'],
    ['Jamf Pro API empty values', { extensionAttributes: [{ name: 'A', values: [] }] }, null],
  ])('%s', (_label, record, expected) => {
    expect(run(record, { attr: 'A' })).toEqual(expected);
  });

  test.each([
    ['no extension_attributes', {}],
    ['extension_attributes is null', { extension_attributes: null }],
    ['extension_attributes is a string', { extension_attributes: 'A' }],
    ['entries are not objects', { extension_attributes: [null, 'A', 5] }],
  ])('%s gives the default', (_label, record) => {
    expect(run(record, { attr: 'A', default: 'd' })).toBe('d');
  });
});
