/**
 * `[ldap]` (users) and `[ldap_assets]` (assets): the same directory reader with different settings,
 * mappings and data types. create() validates only; the connection opens in check()/read().
 */
import { FilterParser } from 'ldapts';
import type { Client } from 'ldapts';
import { ConfigError } from '../../errors.js';
import { defineSource } from '../types.js';
import type { ReadRequest, Source, SourceContext } from '../types.js';
import { isAnonymous, openSession, parseServerUrl } from './connection.js';
import { explainLdapError, type ErrorContext } from './errors.js';
import { LdapReader, attributesFor, scopeOf } from './ldapReader.js';
import { USER_EXTRA_ATTRIBUTES, assetMappings, userMappings } from './mappings.js';
import { ldapAssetSettings, ldapUserSettings, type DirectorySettings } from './settings.js';
import { entryToRecord } from './values.js';

/** ldapts stops parsing at the end of the first complete filter, so unbalanced parentheses are checked here. */
function balanced(filter: string): boolean {
  let depth = 0;
  for (const c of filter.replace(/\\[0-9a-fA-F]{2}/g, '')) {
    if (c === '(') depth += 1;
    if (c === ')') depth -= 1;
    if (depth < 0) return false;
  }
  return depth === 0;
}

function validateFilter(value: string, key: string, section: string): void {
  try {
    if (!balanced(value)) throw new Error('unbalanced parentheses');
    // ldapts parses filters on the client, so a typo would otherwise surface only at the first search.
    FilterParser.parseString(value);
  } catch (err) {
    throw new ConfigError({ section, key }, `"${value}" is not a valid LDAP filter (${(err as Error).message}); filters look like (&(objectClass=person)(mail=*))`);
  }
}

/** OpenLDAP tools accept `uid=x` for `(uid=x)`; the parentheses matter once filters are combined with `(&...)`. */
function normalizeFilter(filter: string): string {
  const text = filter.trim();
  return text && !text.startsWith('(') ? `(${text})` : text;
}

function parseGroupsDn(value: unknown, section: string): string[] {
  const where = { section, key: 'groups_dn' };
  if (value === undefined || value === null || value === '') return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new ConfigError(where, 'must be a JSON list of group DNs, e.g. ["cn=Staff,ou=Groups,dc=example,dc=com"]');
  }
  return value.map((v: string) => v.trim()).filter(Boolean);
}

/** Checks everything that can be checked without the server, so that a bad config stops before any work. */
function validate(settings: DirectorySettings, section: string): string[] {
  const version = settings.protocol_version.trim();
  if (version === '2') {
    throw new ConfigError(
      { section, key: 'protocol_version' },
      'LDAP version 2 is not supported (the LDAP library speaks only version 3, and v2 was retired by RFC 3494); set protocol_version = 3',
    );
  }
  if (version !== '3') throw new ConfigError({ section, key: 'protocol_version' }, `"${settings.protocol_version}" is not a protocol version; use 3`);
  const address = parseServerUrl(settings.url, section);
  if (settings.starttls && address.secure) {
    throw new ConfigError({ section, key: 'starttls' }, 'starttls = True needs an ldap:// url; an ldaps:// connection is already encrypted');
  }
  validateFilter(settings.filter, 'filter', section);
  const memberFilter = settings.group_member_filter.trim();
  if (memberFilter) validateFilter(`(&${settings.filter}${memberFilter.split('{}').join('x')})`, 'group_member_filter', section);
  const groupsDn = parseGroupsDn(settings.groups_dn, section);
  const scope = scopeOf(settings, groupsDn);
  if (scope.kind === 'subtree' && !scope.base) {
    throw new ConfigError({ section, key: 'base_dn' }, 'is required when neither groups_dn nor group_dn is set');
  }
  if (scope.kind === 'groups' && memberFilter && !settings.base_dn.trim()) {
    throw new ConfigError({ section, key: 'base_dn' }, 'is required with group_member_filter (members are searched under base_dn)');
  }
  if (!isAnonymous(settings.username) && !settings.password) {
    throw new ConfigError({ section, key: 'password' }, `is empty but username is set; servers refuse a bind with an empty password (leave username empty for an anonymous bind)`);
  }
  return groupsDn;
}

class DirectorySource implements Source {
  private client?: Client;
  private readonly groupsDn: string[];
  private readonly errorContext: ErrorContext;

  private readonly settings: DirectorySettings;

  constructor(
    settings: DirectorySettings,
    private readonly ctx: SourceContext,
    private readonly extraAttributes: string[],
  ) {
    this.settings = {
      ...settings,
      filter: normalizeFilter(settings.filter) || '(objectClass=*)',
      group_member_filter: normalizeFilter(settings.group_member_filter),
    };
    settings = this.settings;
    this.groupsDn = validate(settings, ctx.section);
    this.errorContext = { section: ctx.section, url: parseServerUrl(settings.url, ctx.section).url, timeoutSeconds: settings.timeout };
  }

  private async connect(): Promise<Client> {
    await this.close();
    this.client = await openSession({
      section: this.ctx.section,
      address: parseServerUrl(this.settings.url, this.ctx.section),
      username: this.settings.username,
      password: this.settings.password,
      starttls: this.settings.starttls,
      timeoutSeconds: this.settings.timeout,
      tls: this.ctx.tls,
    });
    return this.client;
  }

  async check(): Promise<string> {
    const client = await this.connect();
    try {
      const who = isAnonymous(this.settings.username) ? 'anonymously' : `as "${this.settings.username.trim()}"`;
      const scope = scopeOf(this.settings, this.groupsDn);
      const base = scope.kind === 'subtree' ? scope.base : scope.groups[0];
      const filter = scope.kind === 'subtree' ? this.settings.filter : '(objectClass=*)';
      let entries;
      try {
        ({ searchEntries: entries } = await client.search(base, { scope: scope.kind === 'subtree' ? 'sub' : 'base', filter, sizeLimit: 1 }));
      } catch (err) {
        throw explainLdapError(err, { kind: 'search', base, setting: scope.kind === 'subtree' ? 'base_dn' : scope.setting }, this.errorContext);
      }
      const found = entries[0] ? `read "${entries[0].dn}"` : `no entry under "${base}" matches ${filter}`;
      const record = entries[0] ? entryToRecord(entries[0]) : undefined;
      this.ctx.log.debug(`check read attributes: ${record ? Object.keys(record).join(', ') : '-'}`);
      return `bound ${who} to ${this.errorContext.url}; ${found}`;
    } finally {
      await this.close();
    }
  }

  async *read(request: ReadRequest): AsyncIterable<Record<string, unknown>> {
    const client = await this.connect();
    try {
      const reader = new LdapReader({
        client,
        settings: this.settings,
        groupsDn: this.groupsDn,
        attributes: attributesFor(request.fields, this.extraAttributes, request.allFields),
        errorContext: this.errorContext,
        log: this.ctx.log,
        signal: this.ctx.signal,
        concurrency: this.ctx.concurrency,
      });
      yield* reader.records();
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.unbind().catch(() => undefined);
  }
}

export const ldap = defineSource({
  name: 'ldap',
  title: 'Users from LDAP / Active Directory',
  dataType: 'users',
  mappingName: 'LDAP',
  settings: ldapUserSettings,
  defaultMappings: () => userMappings,
  create: (settings, ctx) => {
    if (!/^\d+$/.test(settings.default_role.trim())) {
      throw new ConfigError({ section: ctx.section, key: 'default_role' }, `"${settings.default_role}" is not a numeric role ID (e.g. 25)`);
    }
    return new DirectorySource(settings, ctx, USER_EXTRA_ATTRIBUTES);
  },
});

export const ldapAssets = defineSource({
  name: 'ldap_assets',
  title: 'Assets from LDAP / Active Directory',
  dataType: 'assets',
  mappingName: 'LDAP_assets',
  settings: ldapAssetSettings,
  defaultMappings: () => assetMappings,
  create: (settings, ctx) => new DirectorySource(settings, ctx, []),
});
