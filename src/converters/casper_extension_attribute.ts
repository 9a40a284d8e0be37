/**
 * `casper_extension_attribute:attr=<name>|default=<value>`: the value of a Jamf extension attribute,
 * found by its exact name in the record's `extension_attributes`, else `default` (or null).
 * Jamf's Classic API gives computers and mobile devices the same list of {id, name, type, value}; an
 * XML-shaped record wraps it as {extension_attribute: [...]} or a single object, and the Jamf Pro API
 * (`extensionAttributes`, {name, values: [...]}) is read too, so the converter works whichever the source sends.
 */
import type { Converter } from './types.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function attributeList(record: Record<string, unknown>): unknown[] {
  const classic = record.extension_attributes ?? record.extensionAttributes;
  if (Array.isArray(classic)) return classic;
  if (isObject(classic)) {
    const inner = classic.extension_attribute;
    if (Array.isArray(inner)) return inner;
    if (isObject(inner)) return [inner];
  }
  return [];
}

function attributeValue(attribute: Record<string, unknown>): unknown {
  if ('value' in attribute) return attribute.value;
  const values = attribute.values;
  if (Array.isArray(values)) return values.length === 1 ? values[0] : values.length === 0 ? null : values;
  return null;
}

export const casperExtensionAttribute: Converter = ({ record, params }) => {
  const target = params.attr;
  const fallback = typeof params.default === 'string' ? params.default : null;
  if (typeof target !== 'string' || !isObject(record)) return fallback;
  for (const attribute of attributeList(record)) {
    if (isObject(attribute) && attribute.name === target) return attributeValue(attribute);
  }
  return fallback;
};
