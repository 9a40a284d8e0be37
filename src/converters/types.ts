import type { ConverterParams, RawRecord } from '../records.js';

/** What a converter is given; the same four things the original passes (field, record, value, params). */
export interface ConverterInput {
  /** The mapping's source path, or the Oomnitza field name when the mapping has no source. */
  field: string;
  /** The whole raw record, for converters that combine fields. */
  record: RawRecord;
  /** The value found at the mapping's source (undefined when missing). */
  value: unknown;
  /** Arguments from `name:arg=value|flag`. */
  params: ConverterParams;
}

/**
 * A built-in converter: pure and synchronous, never throws on bad input (null, wrong type): it returns
 * null or the value unchanged, as the original does. A throw is still caught by the pipeline and becomes
 * null plus a warning.
 */
export type Converter = (input: ConverterInput) => unknown;
