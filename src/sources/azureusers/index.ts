/**
 * Microsoft Entra ID (Azure AD) users `[azureusers]`. The original read Azure AD Graph through the azure-graphrbac
 * SDK; Microsoft retired that API, so this source reads Microsoft Graph (`GET /v1.0/users`, client credentials,
 * `@odata.nextLink` pages, all through ../msgraph/) and rebuilds the SDK's record shape (record.ts) so that old
 * mappings keep working.
 * https://learn.microsoft.com/graph/api/user-list, https://learn.microsoft.com/graph/paging,
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
 */
import { PermanentError } from '../../errors.js';
import { deltaRead, graphApi, isDeltaLink } from '../msgraph/index.js';
import { defineSource, type ReadRequest, type Source, type SourceContext } from '../types.js';
import { graphSelect, toOldUser, unknownFields } from './record.js';
import { azureUsersSettings, type AzureUsersSettings } from './settings.js';

export { graphErrorText, tokenUrlOf } from '../msgraph/index.js';

export function createAzureUsersSource(s: AzureUsersSettings, ctx: SourceContext): Source {
  const graph = graphApi(s, ctx, {
    secretSetting: 'secret',
    secret: s.secret,
    certificates: false,
    rate_limit_max_wait: s.rate_limit_max_wait,
    permissionFor: () => ({ what: 'users', permission: 'User.Read.All' }),
    unknownProperty: (property) => new PermanentError(`Microsoft Graph users have no property "${property}", which a mapping reads as additional_properties.${property}: correct the mapping (directory extensions are named extension_<app id without dashes>_<name>)`),
  });
  const users = (select: string[], top: number) =>
    graph.pages<Record<string, unknown>>('/v1.0/users', { query: { $select: select.join(','), $top: top } });

  return {
    async check() {
      for await (const user of users(['id', 'userPrincipalName', 'displayName'], 1)) {
        return `${graph.who}; read user "${String(user.userPrincipalName ?? user.id)}"`;
      }
      return `${graph.who}; the directory has no users the application can see`;
    },
    async *read(request: ReadRequest) {
      const unknown = unknownFields(request.fields);
      if (unknown.length) {
        ctx.log.warn(`mapping source(s) ${unknown.join(', ')} are not fields of this source's records (Graph properties are under additional_properties.)`);
      }
      const inc = request.incremental;
      if (inc) {
        // sync_mode = incremental: the delta function (../msgraph/delta.ts); its deltaLink is the watermark.
        ctx.log.info(`reading users of tenant "${graph.app.tenant}" from ${s.url} through /users/delta${inc.since ? ' (changes since the last run)' : ''}`);
        for await (const user of deltaRead(graph, inc, { path: '/v1.0/users/delta', select: graphSelect(request.fields), log: ctx.log, signal: ctx.signal })) yield toOldUser(user);
        return;
      }
      ctx.log.info(`reading users of tenant "${graph.app.tenant}" from ${s.url} (${s.page_size} per page)`);
      for await (const user of users(graphSelect(request.fields), s.page_size)) yield toOldUser(user);
    },
  };
}

export const azureusers = defineSource({
  name: 'azureusers',
  title: 'Microsoft Entra ID (Azure AD) users, read from Microsoft Graph',
  dataType: 'users',
  mappingName: 'Azureusers',
  settings: azureUsersSettings,
  defaultMappings: () => ({ PERMISSIONS_ID: { setting: 'default_role' } }),
  incremental: { watermark: 'the @odata.deltaLink of GET /users/delta', valid: (w) => isDeltaLink(w, '/v1.0/users/delta') },
  create: createAzureUsersSource,
});
