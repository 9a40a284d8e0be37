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

/** What a converter's load-time step may use. */
export interface ConverterLoadContext {
  /** Folder of the INI file: relative paths in params resolve against it, as every other path in the INI. */
  configDir: string;
}

/**
 * The optional load-time step of a built-in converter, run by the config loader for each mapping that uses it.
 * It checks the params and reads what they name (a table file), so that a mistake is a config error at the
 * mapping's line (exit 2) instead of a null in every record at run time. It throws an Error whose message says
 * what is wrong, or returns the converter bound to these params, which the run then uses for that mapping.
 */
export type ConverterPrepare = (params: ConverterParams, ctx: ConverterLoadContext) => Converter;

/** An entry of the registry: a converter, with `prepare` when its params need checking when the config loads. */
export type BuiltinConverter = Converter & { readonly prepare?: ConverterPrepare };

/** A converter with a load-time step (see ConverterPrepare). */
export function withPrepare(convert: Converter, prepare: ConverterPrepare): BuiltinConverter {
  return Object.assign(convert, { prepare });
}
