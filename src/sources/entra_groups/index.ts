/**
 * Microsoft Entra ID group memberships `[entra_groups]`: the groups (all, or those a filter chooses), each group's
 * members (paged; mixed types, of which `member_type` keeps users or devices), and one record per kept member with
 * the groups it is in: `memberOf` (names) and `groups` (id, displayName, mail). A member in many groups is sent once.
 * https://learn.microsoft.com/graph/api/group-list, https://learn.microsoft.com/graph/api/group-list-members,
 * https://learn.microsoft.com/graph/api/group-list-transitivemembers
 */
import { ConfigError, PermanentError, isConfigError } from '../../errors.js';
import { concurrencyOf, fanOut } from '../../http/index.js';
import { GraphPermissionError, directoryQuery, graphApi, isLimited, segment } from '../msgraph/index.js';
import { defineSource, type RawRecord, type ReadRequest, type Source, type SourceContext } from '../types.js';
import { GROUP_PROPERTIES, KINDS, VARIANTS, groupEntry, memberSelect } from './members.js';
import { entraGroupsSettings, type EntraGroupsSettings } from './settings.js';

type GraphObject = Record<string, unknown>;
const GROUPS = '/v1.0/groups';

function requireUserDefaults(s: EntraGroupsSettings, section: string): void {
  if (s.member_type !== 'users') return;
  for (const key of ['default_role', 'default_position'] as const) {
    if (!s[key].trim()) throw new ConfigError({ section, key }, `is empty: member_type = users sends users to Oomnitza, which need a ${key === 'default_role' ? 'role id (e.g. 25)' : 'position (e.g. Employee)'}`);
  }
}

export function createEntraGroupsSource(s: EntraGroupsSettings, ctx: SourceContext): Source {
  requireUserDefaults(s, ctx.section);
  const kind = KINDS[s.member_type];
  const graph = graphApi(s, ctx, {
    secretSetting: 'client_secret',
    secret: s.client_secret,
    certificates: true,
    rate_limit_max_wait: s.rate_limit_max_wait,
    permissionFor: (url) => ({ what: /\/(transitiveM|m)embers$/.test(url) ? 'group members' : 'groups', permission: 'GroupMember.Read.All' }),
    unknownProperty: (property) => new PermanentError(`Entra ID ${kind.noun}s have no property "${property}", which a mapping reads: correct the mapping (fields are the Graph ${kind.noun} properties, plus memberOf and groups)`),
  });
  const filter = s.filter.trim() || undefined;
  const relation = s.transitive ? 'transitiveMembers' : 'members';
  const groups = (select: readonly string[], top: number) => graph.pages<GraphObject>(GROUPS, directoryQuery(select, top, filter));
  const members = (group: GraphObject, select: readonly string[], top: number) =>
    graph.pages<GraphObject>(`${GROUPS}/${segment(group.id)}/${relation}`, { query: { $select: select.join(','), $top: top } });
  const describe = (g: GraphObject) => `group ${String(g.id)}${g.displayName ? ` "${String(g.displayName)}"` : ''}`;

  /** Every member of one group; a group deleted since it was listed has none (its members are no longer in it). */
  const allMembers = async (group: GraphObject, select: readonly string[]): Promise<GraphObject[]> => {
    const found: GraphObject[] = [];
    try {
      for await (const member of members(group, select, s.page_size)) found.push(member);
    } catch (err) {
      if ((err as { status?: number }).status === 404) {
        ctx.log.warn(`${describe(group)} was deleted while it was read; its members are sent without it`);
        return [];
      }
      // Any other failure stops the section before anything is sent: the members of this group would be sent
      // without it, and a role or location derived from memberOf would change for the wrong reason.
      if (isConfigError(err) || err instanceof GraphPermissionError) throw err;
      throw new PermanentError(`${describe(group)}: its members cannot be read (${(err as Error).message}); nothing is sent, as memberships would be incomplete`, { cause: err });
    }
    return found;
  };

  return {
    async check() {
      for await (const group of groups(['id', 'displayName'], 1)) {
        for await (const member of members(group, ['id', ...kind.names], 1)) {
          return `${graph.who}; read ${describe(group)} and its first member (${String(member['@odata.type'] ?? 'member')} ${String(member.id)})`;
        }
        return `${graph.who}; read ${describe(group)}, which has no members`;
      }
      return `${graph.who}; the directory has no groups${filter ? ' matching the filter' : ''} the application can see`;
    },

    async *read(request: ReadRequest) {
      const select = memberSelect(kind, request);
      ctx.log.info(`reading groups of tenant "${graph.app.tenant}" from ${s.url}${filter ? ` matching "${filter}"` : ''}, and their ${s.transitive ? 'direct and nested ' : ''}members of type ${kind.noun}`);
      const kept = new Map<string, { member: GraphObject; groups: Array<ReturnType<typeof groupEntry>> }>();
      const others = new Map<string, number>();
      let groupCount = 0;
      let warnedLimited = false;
      const read = fanOut(groups(GROUP_PROPERTIES, s.page_size), {
        concurrency: concurrencyOf(s, ctx.concurrency),
        fetch: async (group) => ({ group, members: await allMembers(group, select) }),
        label: describe,
        reportFailure: ctx.reportFailure,
        signal: ctx.signal,
        isFatal: () => true,
      });
      for await (const { group, members: found } of read) {
        groupCount++;
        for (const member of found) {
          const type = String(member['@odata.type'] ?? 'unknown');
          if (type !== kind.odataType) {
            others.set(type, (others.get(type) ?? 0) + 1);
            continue;
          }
          if (!warnedLimited && isLimited(member, kind.names)) {
            warnedLimited = true;
            ctx.log.warn(`group members of type ${kind.noun} come back without their properties (only "@odata.type" and id): give the app registration the Microsoft Graph application permission ${kind.readPermission}`);
          }
          const id = String(member.id);
          const entry = kept.get(id) ?? { member, groups: [] };
          if (!entry.groups.some((g) => g.id === group.id)) entry.groups.push(groupEntry(group));
          kept.set(id, entry);
        }
      }
      const skipped = [...others].map(([type, n]) => `${n} ${type.replace('#microsoft.graph.', '')}`).join(', ');
      ctx.log.info(`${groupCount} group(s): ${kept.size} ${kind.noun}(s) to send${skipped ? `; other members skipped: ${skipped}` : ''}`);
      for (const { member, groups: of } of kept.values()) {
        const record: RawRecord = { ...member, memberOf: of.map((g) => g.displayName), groups: of };
        yield record;
      }
    },
  };
}

export const entraGroups = defineSource({
  name: 'entra_groups',
  title: 'Microsoft Entra ID group memberships: users (or devices) with the groups they are in, read from Microsoft Graph',
  settings: entraGroupsSettings,
  variants: { by: 'member_type', table: VARIANTS },
  defaultMappings: (s) => ({ ...KINDS[s.member_type].defaultMappings }),
  create: createEntraGroupsSource,
});
