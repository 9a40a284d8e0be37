/**
 * The raw OneLogin user, shaped so that mappings written for the original resolve as they did there.
 *
 * The original looked every mapping source up through an override: a source that is not one of OneLogin's built-in
 * fields (the lists below) and not already prefixed was read as `custom_attributes.<source>` (legacy XML API:
 * `custom_attribute_<source>`). So `mapping.COST_CENTER = cost_center` reached a custom attribute. The engine looks
 * sources up as written, for every source alike; instead of teaching it OneLogin's rule, each custom attribute is also
 * exposed at the top level under the bare name that lookup reached. Built-in fields keep their own values.
 */
import type { RawRecord } from '../types.js';

/** API/1 built-in fields (the original's SlashOneFields); records keep these keys (API v2 users are renamed to them). */
export const API1_FIELDS: ReadonlySet<string> = new Set([
  'activated_at', 'created_at', 'email', 'username', 'firstname', 'group_id', 'id', 'invalid_login_attempts',
  'invitation_sent_at', 'last_login', 'lastname', 'locked_until', 'comment', 'openid_name', 'locale_code',
  'password_changed_at', 'phone', 'status', 'updated_at', 'distinguished_name', 'external_id', 'directory_id',
  'member_of', 'samaccountname', 'userprincipalname', 'manager_ad_id', 'role_id', 'company', 'department', 'title',
  'state', 'trusted_idp_id',
]);

/** Legacy XML API built-in fields (the original's V1ToV3Fields): XML element names, hyphenated. */
export const LEGACY_FIELDS: ReadonlySet<string> = new Set([
  'activated-at', 'created-at', 'directory-id', 'distinguished-name', 'email', 'external-id', 'firstname', 'group-id',
  'id', 'invalid-login-attempts', 'invitation-sent-at', 'last-login', 'lastname', 'locale-code', 'locked-until',
  'member-of', 'openid-name', 'password-changed-at', 'phone', 'status', 'updated-at', 'username',
]);

const API1_PREFIX = 'custom_attributes';
const LEGACY_PREFIX = 'custom_attribute_';

/** `<phone nil="true"/>` parses to {"@nil": "true"}; the original made such top-level values null, in both APIs. */
function nilToNull(user: RawRecord): RawRecord {
  const out: RawRecord = {};
  for (const [key, value] of Object.entries(user)) {
    out[key] = value !== null && typeof value === 'object' && !Array.isArray(value) && '@nil' in value ? null : value;
  }
  return out;
}

/**
 * The API v2 user fields asked for by name (`fields=`): the list otherwise answers only a short set (no company,
 * department, title, role_ids, custom_attributes, ...). Every field of the v2 user resource except the password ones.
 */
export const API2_REQUESTED_FIELDS: readonly string[] = [
  'id', 'username', 'email', 'firstname', 'lastname', 'title', 'department', 'company', 'comment', 'group_id', 'role_ids',
  'phone', 'state', 'status', 'directory_id', 'trusted_idp_id', 'manager_ad_id', 'manager_user_id', 'samaccountname',
  'member_of', 'userprincipalname', 'distinguished_name', 'external_id', 'activated_at', 'last_login', 'invitation_sent_at',
  'updated_at', 'preferred_locale_code', 'created_at', 'invalid_login_attempts', 'locked_until', 'password_changed_at',
  'custom_attributes',
];

/**
 * An API v2 user under the API/1 keys the original pushed (README.md, "Fields for mappings", has the table): v2 calls
 * `role_id` `role_ids` and has no `locale_code` (only `preferred_locale_code`), `openid_name` or `notes`. Values,
 * status and state numbers and date strings are the same in both versions and pass through.
 */
export function shapeApi2User(raw: RawRecord): RawRecord {
  const { role_ids: roleIds, ...user } = raw;
  return shapeApi1User({
    ...user,
    role_id: roleIds ?? null,
    locale_code: user.preferred_locale_code ?? null,
    openid_name: null,
    notes: null,
    custom_attributes: user.custom_attributes ?? {},
  });
}

/** API/1: `custom_attributes: {cost_center: "CC-1"}` is also `cost_center: "CC-1"`. */
export function shapeApi1User(raw: RawRecord): RawRecord {
  const user = nilToNull(raw);
  const custom = user[API1_PREFIX];
  if (custom === null || typeof custom !== 'object' || Array.isArray(custom)) return user;
  for (const [name, value] of Object.entries(custom)) {
    // A custom attribute named like the object itself would hide every `custom_attributes.x` lookup.
    if (!API1_FIELDS.has(name) && name !== API1_PREFIX) user[name] = value;
  }
  return user;
}

/** Legacy XML: `custom_attribute_cost_center` is also `cost_center`. */
export function shapeLegacyUser(raw: RawRecord): RawRecord {
  const user = nilToNull(raw);
  for (const [key, value] of Object.entries(user)) {
    if (!key.startsWith(LEGACY_PREFIX)) continue;
    const name = key.slice(LEGACY_PREFIX.length);
    if (name && !LEGACY_FIELDS.has(name) && !name.startsWith(LEGACY_PREFIX)) user[name] = value;
  }
  return user;
}
