/**
 * `ldap_user_field`: the mapped value when it is not empty, otherwise the record's sAMAccountName
 * (Active Directory's logon name), otherwise null. Used by the default LDAP mapping of USER (uid).
 * LDAP attribute names are case-insensitive, so `samaccountname` is found too.
 */
import type { Converter } from './types.js';
import { firstValue, isTruthy } from './python.js';

const FALLBACK_ATTRIBUTE = 'sAMAccountName';

function attribute(record: Record<string, unknown>, name: string): unknown {
  if (Object.prototype.hasOwnProperty.call(record, name)) return record[name];
  const lower = name.toLowerCase();
  const key = Object.keys(record).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : record[key];
}

export const ldapUserField: Converter = ({ record, value }) => {
  const v = firstValue(value);
  if (isTruthy(v)) return v;
  if (typeof record !== 'object' || record === null) return null;
  return firstValue(attribute(record, FALLBACK_ATTRIBUTE)) ?? null;
};
