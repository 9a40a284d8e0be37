/**
 * Turns an ldapts entry into the record the pipeline sees. LDAP sends every value as an octet string;
 * the rules here decide what an admin gets for each attribute:
 * - text is UTF-8 (ldapts decodes it strictly; a value that is not valid UTF-8 arrives as a Buffer);
 * - attributes that are lists by nature stay lists, every other attribute keeps its first value, as the
 *   original does (`mail` with two values gives the first);
 * - Windows identifiers become their usual text (S-1-5-21-..., canonical GUIDs), other binary values base64.
 */
import type { Entry } from 'ldapts';
import type { RawRecord } from '../types.js';

/** Lower-cased names of attributes that are kept as lists, even with one value. */
const LIST_ATTRIBUTES = new Set([
  'memberof',
  'proxyaddresses',
  'objectclass',
  'member',
  'uniquemember',
  'memberuid',
  'serviceprincipalname',
  'othermailbox',
  'othertelephone',
  'othermobile',
  'otherhomephone',
  'url',
  'sidhistory',
  'tokengroups',
  'showinaddressbook',
]);

/** Binary values with a well-known text form (Windows SIDs and GUIDs). */
const SID_ATTRIBUTES = new Set(['objectsid', 'sidhistory', 'tokengroups', 'securityidentifier']);
const GUID_ATTRIBUTES = new Set(['objectguid', 'msexchmailboxguid', 'ms-ds-consistencyguid', 'msds-azobjectguid']);

/**
 * Attributes that are binary whatever their bytes look like: a 16-byte GUID can happen to be valid UTF-8,
 * so these are requested as buffers (`explicitBufferAttributes`) rather than trusted to the UTF-8 check.
 */
const BINARY_ATTRIBUTES = new Set([
  ...SID_ATTRIBUTES,
  ...GUID_ATTRIBUTES,
  'jpegphoto',
  'thumbnailphoto',
  'photo',
  'audio',
  'usercertificate',
  'usersmimecertificate',
  'cacertificate',
  'ntsecuritydescriptor',
  'msexchmailboxsecuritydescriptor',
  'logonhours',
  'userparameters',
]);

function baseName(attribute: string): string {
  // `userCertificate;binary` and `cn;lang-de` are the same attribute for our purposes.
  return attribute.split(';')[0].toLowerCase();
}

export function isBinaryAttribute(attribute: string): boolean {
  return BINARY_ATTRIBUTES.has(baseName(attribute)) || /;binary$/i.test(attribute);
}

export function isListAttribute(attribute: string): boolean {
  return LIST_ATTRIBUTES.has(baseName(attribute));
}

/** The spellings to pass as ldapts `explicitBufferAttributes` (it compares names case-sensitively). */
export function bufferAttributeNames(requested: string[]): string[] {
  const names = new Set<string>(['objectSid', 'objectGUID', 'jpegPhoto', 'thumbnailPhoto', 'userCertificate', 'sIDHistory', 'tokenGroups']);
  for (const name of requested) if (isBinaryAttribute(name)) names.add(name);
  return [...names];
}

/** Windows security identifier, binary layout from [MS-DTYP] 2.4.2.2: S-rev-authority-sub1-sub2-... */
export function sidToString(buf: Buffer): string | undefined {
  if (buf.length < 8) return undefined;
  const revision = buf[0];
  const count = buf[1];
  if (buf.length !== 8 + 4 * count) return undefined;
  const authority = buf.readUIntBE(2, 6);
  const subs: number[] = [];
  for (let i = 0; i < count; i += 1) subs.push(buf.readUInt32LE(8 + 4 * i));
  return ['S', revision, authority, ...subs].join('-');
}

/** GUID in the canonical form Windows shows: the first three groups are stored little-endian. */
export function guidToString(buf: Buffer): string | undefined {
  if (buf.length !== 16) return undefined;
  const hex = (b: Buffer) => b.toString('hex');
  const le = (start: number, end: number) => hex(Buffer.from(buf.subarray(start, end)).reverse());
  return `${le(0, 4)}-${le(4, 6)}-${le(6, 8)}-${hex(buf.subarray(8, 10))}-${hex(buf.subarray(10, 16))}`;
}

function asBuffer(value: string | Buffer): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8');
}

/** One value as text. Never returns mojibake: bytes that are not UTF-8 become base64. */
export function decodeValue(attribute: string, value: string | Buffer): string {
  const name = baseName(attribute);
  if (SID_ATTRIBUTES.has(name)) return sidToString(asBuffer(value)) ?? asBuffer(value).toString('base64');
  if (GUID_ATTRIBUTES.has(name)) return guidToString(asBuffer(value)) ?? asBuffer(value).toString('base64');
  if (isBinaryAttribute(attribute)) return asBuffer(value).toString('base64');
  return Buffer.isBuffer(value) ? value.toString('base64') : value;
}

/**
 * Attributes that hold passwords, password hashes, LAPS passwords or recovery keys. A filter or custom converter
 * makes us request every attribute ('*'), and a directory whose ACLs let the bind account read these would
 * otherwise hand them to untrusted snippets and --save-data files. They are kept only when a mapping names them.
 */
const CREDENTIAL_ATTRIBUTES = new Set([
  'userpassword', 'authpassword', 'unicodepwd', 'dbcspwd', 'lmpwdhistory', 'ntpwdhistory', 'supplementalcredentials',
  'ms-mcs-admpwd', 'mslaps-password', 'mslaps-encryptedpassword', 'mslaps-encryptedpasswordhistory',
  'mslaps-encrypteddsrmpassword', 'mslaps-encrypteddsrmpasswordhistory', 'msds-managedpassword',
  'msfve-recoverypassword', 'msfve-keypackage', 'msds-keycredentiallink', 'sambantpassword', 'sambalmpassword',
  'sambapasswordhistory', 'krbprincipalkey', 'userpkcs12', 'unixuserpassword', 'ms-ds-machineaccountquota-password',
]);

export function isCredentialAttribute(attribute: string): boolean {
  return CREDENTIAL_ATTRIBUTES.has(baseName(attribute));
}

/**
 * Builds the record for one entry. `requested` gives the spelling the mappings use, so that a server
 * answering `givenname` still fills `mapping.FIRST_NAME = givenName`. The entry's DN is kept as `dn`.
 */
export function entryToRecord(entry: Entry, requested: readonly string[] = []): RawRecord {
  const spelling = new Map(requested.map((name) => [name.toLowerCase(), name]));
  const record: RawRecord = { dn: entry.dn };
  for (const [attribute, raw] of Object.entries(entry)) {
    if (attribute === 'dn') continue;
    if (isCredentialAttribute(attribute) && !spelling.has(attribute.toLowerCase())) continue;
    const values = (Array.isArray(raw) ? raw : [raw]) as Array<string | Buffer>;
    // ldapts adds requested attributes the entry does not have as []: leave them out, so that
    // `required` mappings see them as missing.
    if (values.length === 0) continue;
    const key = spelling.get(attribute.toLowerCase()) ?? attribute;
    record[key] = isListAttribute(attribute)
      ? values.map((v) => decodeValue(attribute, v))
      : decodeValue(attribute, values[0]);
  }
  return record;
}
