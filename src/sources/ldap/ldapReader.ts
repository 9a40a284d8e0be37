/**
 * Reads directory entries in the scope the original documents, highest priority first:
 *   groups_dn (members of each listed group) > group_dn (members of one group) > base_dn + filter.
 * A base_dn search uses Simple Paged Results (RFC 2696) so that directories larger than the server's
 * size limit (Active Directory: 1000) come back whole, one page in memory at a time. Group members are
 * read one by one (by DN, or through group_member_filter), a few at a time, and each entry is sent once.
 */
import type { Client, Entry } from 'ldapts';
import type { Logger } from '../../logging.js';
import type { RawRecord } from '../types.js';
import { explainLdapError, type ErrorContext, type Stage } from './errors.js';
import { bufferAttributeNames, entryToRecord } from './values.js';
import type { DirectorySettings } from './settings.js';

export type Scope =
  | { kind: 'groups'; groups: string[]; setting: 'groups_dn' | 'group_dn' }
  | { kind: 'subtree'; base: string };

/** The scope priority of the original's README ("these attributes have a priority"). */
export function scopeOf(settings: Pick<DirectorySettings, 'base_dn' | 'group_dn'>, groupsDn: string[]): Scope {
  if (groupsDn.length) return { kind: 'groups', groups: groupsDn, setting: 'groups_dn' };
  if (settings.group_dn.trim()) return { kind: 'groups', groups: [settings.group_dn.trim()], setting: 'group_dn' };
  return { kind: 'subtree', base: settings.base_dn.trim() };
}

/** RFC 4515 section 3: a value put inside a filter must escape these characters. */
export function escapeFilterValue(value: string): string {
  return value.replace(/[\\*()\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Attribute names to request for mapping paths (`memberOf.0` reads attribute `memberOf`). */
export function attributesFor(fields: readonly string[], extra: readonly string[], allFields: boolean): string[] {
  const names = new Map<string, string>();
  for (const field of [...fields, ...extra]) {
    // Numeric OIDs (2.5.4.3) are attribute names with dots; anything else stops at the first dot.
    const name = /^\d+(\.\d+)+$/.test(field) ? field : field.split('.')[0];
    if (!name || name.toLowerCase() === 'dn') continue;
    if (!names.has(name.toLowerCase())) names.set(name.toLowerCase(), name);
  }
  const list = [...names.values()];
  if (allFields) return ['*', ...list];
  // No attribute at all would mean "everything" to the server; "1.1" asks for none (RFC 4511 4.5.1.8).
  return list.length ? list : ['1.1'];
}

/** Case- and space-insensitive DN key, good enough to see that two group lists name the same entry. */
function dnKey(dn: string): string {
  return dn.toLowerCase().replace(/\s*([,=+])\s*/g, '$1').trim();
}

export interface ReaderOptions {
  client: Client;
  settings: DirectorySettings;
  groupsDn: string[];
  attributes: string[];
  errorContext: ErrorContext;
  log: Logger;
  signal: AbortSignal;
  /** Member look-ups in flight at once when reading groups. */
  concurrency: number;
}

export class LdapReader {
  constructor(private readonly opts: ReaderOptions) {}

  private get searchOptions() {
    const { attributes } = this.opts;
    return { attributes, explicitBufferAttributes: bufferAttributeNames(attributes) };
  }

  private toRecord(entry: Entry): RawRecord {
    return entryToRecord(entry, this.opts.attributes);
  }

  private fail(err: unknown, stage: Stage): never {
    throw explainLdapError(err, stage, this.opts.errorContext);
  }

  async *records(): AsyncGenerator<RawRecord> {
    const scope = scopeOf(this.opts.settings, this.opts.groupsDn);
    if (scope.kind === 'subtree') yield* this.subtree(scope.base);
    else yield* this.groups(scope.groups, scope.setting);
  }

  /** base_dn + filter, page by page. */
  private async *subtree(base: string): AsyncGenerator<RawRecord> {
    const { client, settings, signal, log } = this.opts;
    const pages = client.searchPaginated(base, {
      scope: 'sub',
      filter: settings.filter,
      paged: { pageSize: settings.page_size },
      ...this.searchOptions,
    });
    let count = 0;
    try {
      for (;;) {
        let page;
        try {
          page = await pages.next();
        } catch (err) {
          this.fail(err, { kind: 'search', base, setting: 'base_dn' });
        }
        if (page.done) break;
        for (const entry of page.value.searchEntries) {
          if (!entry.dn) continue;
          count += 1;
          yield this.toRecord(entry);
        }
        log.debug(`read ${count} entries so far under "${base}"`);
        if (signal.aborted) return;
      }
    } finally {
      // Ends the paged search if the consumer stopped early (abort, --record-count).
      await pages.return(undefined).catch(() => undefined);
    }
    log.info(`read ${count} entries under "${base}"`);
  }

  private async *groups(groups: string[], setting: 'groups_dn' | 'group_dn'): AsyncGenerator<RawRecord> {
    const seen = new Set<string>();
    const window = Math.max(4, this.opts.concurrency * 4);
    for (const group of groups) {
      let batch: string[] = [];
      let count = 0;
      for await (const member of this.groupMembers(group, setting)) {
        batch.push(member);
        if (batch.length < window) continue;
        for (const record of await this.lookUpMembers(batch, group)) {
          if (this.firstTime(record, seen)) {
            count += 1;
            yield record;
          }
        }
        batch = [];
        if (this.opts.signal.aborted) return;
      }
      for (const record of await this.lookUpMembers(batch, group)) {
        if (this.firstTime(record, seen)) {
          count += 1;
          yield record;
        }
      }
      this.opts.log.info(`read ${count} new entries from group "${group}"`);
      if (this.opts.signal.aborted) return;
    }
  }

  private firstTime(record: RawRecord, seen: Set<string>): boolean {
    const key = dnKey(String(record.dn));
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  }

  /**
   * Values of group_members_attr. Active Directory returns at most 1500 values per request and names the
   * attribute `member;range=0-1499`; the rest is fetched with `member;range=1500-*` until the range ends in `*`.
   */
  private async *groupMembers(group: string, setting: 'groups_dn' | 'group_dn'): AsyncGenerator<string> {
    const { client, settings } = this.opts;
    const attribute = settings.group_members_attr.trim() || 'member';
    let requested = attribute;
    for (;;) {
      let entries: Entry[];
      try {
        ({ searchEntries: entries } = await client.search(group, { scope: 'base', filter: '(objectClass=*)', attributes: [requested] }));
      } catch (err) {
        this.fail(err, { kind: 'search', base: group, setting });
      }
      const entry = entries[0];
      if (!entry) return;
      const lower = attribute.toLowerCase();
      const key = Object.keys(entry).find((k) => k.toLowerCase() === lower || k.toLowerCase().startsWith(`${lower};range=`));
      if (!key) {
        this.opts.log.warn(`group "${group}" has no "${attribute}" attribute; check group_members_attr`);
        return;
      }
      const raw = entry[key];
      for (const value of Array.isArray(raw) ? raw : [raw]) yield Buffer.isBuffer(value) ? value.toString('utf8') : value;
      const range = /;range=\d+-(\d+|\*)$/i.exec(key);
      if (!range || range[1] === '*') return;
      requested = `${attribute};range=${Number(range[1]) + 1}-*`;
    }
  }

  private async lookUpMembers(members: string[], group: string): Promise<RawRecord[]> {
    const found = await Promise.all(members.map((member) => this.lookUpMember(member, group)));
    return found.filter((r): r is RawRecord => r !== undefined);
  }

  /** One member: by DN with `filter` (base scope), or under base_dn with `(&filter group_member_filter)`. */
  private async lookUpMember(member: string, group: string): Promise<RawRecord | undefined> {
    const { client, settings, log } = this.opts;
    const memberFilter = settings.group_member_filter.trim();
    try {
      if (memberFilter) {
        const filter = `(&${settings.filter}${memberFilter.split('{}').join(escapeFilterValue(member))})`;
        const { searchEntries } = await client.search(settings.base_dn, { scope: 'sub', filter, sizeLimit: 2, ...this.searchOptions });
        if (searchEntries.length > 1) log.warn(`group member "${member}" of "${group}" matches several entries; using "${searchEntries[0].dn}"`);
        if (!searchEntries[0]) log.debug(`group member "${member}" of "${group}" does not match the filters; skipped`);
        return searchEntries[0] ? this.toRecord(searchEntries[0]) : undefined;
      }
      const { searchEntries } = await client.search(member, { scope: 'base', filter: settings.filter, ...this.searchOptions });
      if (!searchEntries[0]) log.debug(`group member "${member}" of "${group}" does not match filter; skipped`);
      return searchEntries[0] ? this.toRecord(searchEntries[0]) : undefined;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      // A member DN that no longer exists (or is not a DN, e.g. in a memberUid group) is the group's problem, not a failed record.
      if (code === 32 || code === 34) {
        log.warn(`group member "${member}" of "${group}" was not found in the directory; skipped`);
        return undefined;
      }
      this.fail(err, { kind: 'search', base: memberFilter ? settings.base_dn : member, setting: memberFilter ? 'base_dn' : 'filter' });
    }
  }
}
