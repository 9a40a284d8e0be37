/**
 * The built-in converters, by the names mappings use (`"converter": "split:on=@"`). Adding one means a
 * file here and one line below, in sorted order. Custom converters from the `[converters]` section run
 * in the sandbox instead (src/sandbox). A converter whose params name something to check or read when the config
 * loads (a file) declares a `prepare` step (src/converters/types.ts); the loader runs it for every mapping.
 * Not carried over from the original: `uber_position` (it hard-codes uber.com addresses).
 */
import type { BuiltinConverter } from './types.js';
import { capitalize } from './capitalize.js';
import { casperExtensionAttribute } from './casper_extension_attribute.js';
import { concat } from './concat.js';
import { dateFormat } from './date_format.js';
import { firstField } from './first_field.js';
import { firstFromFull } from './first_from_full.js';
import { lastFromFull } from './last_from_full.js';
import { ldapTimestamp } from './ldap_timestamp.js';
import { ldapUserField } from './ldap_user_field.js';
import { location } from './location.js';
import { macModelFromSn } from './mac_model_from_sn.js';
import { memberOf } from './memberOf.js';
import { split } from './split.js';
import { splitEmail } from './split_email.js';
import { timestamp } from './timestamp.js';
import { uberManager } from './uber_manager.js';

export const builtinConverters = {
  capitalize,
  casper_extension_attribute: casperExtensionAttribute,
  concat,
  date_format: dateFormat,
  first_field: firstField,
  first_from_full: firstFromFull,
  last_from_full: lastFromFull,
  ldap_timestamp: ldapTimestamp,
  ldap_user_field: ldapUserField,
  location,
  mac_model_from_sn: macModelFromSn,
  memberOf,
  split,
  split_email: splitEmail,
  timestamp,
  uber_manager: uberManager,
} satisfies Record<string, BuiltinConverter>;

export type BuiltinConverterName = keyof typeof builtinConverters;

// A Map, so names such as "constructor" or "__proto__" never reach Object.prototype.
const byLowerCaseName = new Map<string, BuiltinConverter>(
  Object.entries(builtinConverters).map(([name, converter]) => [name.toLowerCase(), converter]),
);

/** The original lower-cased converter names on lookup, so `memberof` and `Split` work too. */
export function getBuiltinConverter(name: string): BuiltinConverter | undefined {
  return byLowerCaseName.get(name.trim().toLowerCase());
}
