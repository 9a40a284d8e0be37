/**
 * Microsoft Entra ID devices `[entra_devices]`: `GET /v1.0/devices` through the shared Graph client (../msgraph/),
 * `$select` from the mappings, optionally each device's registered owners (`load_owners`, one paged request per
 * device with bounded concurrency) as `owners: [{ "@odata.type", id, displayName, userPrincipalName, mail }]`.
 * https://learn.microsoft.com/graph/api/device-list, https://learn.microsoft.com/graph/api/device-list-registeredowners
 */
import { PermanentError } from '../../errors.js';
import { concurrencyOf, fanOut } from '../../http/index.js';
import { deltaRead, directoryQuery, graphApi, isDeltaLink, isFatalForGraph, isLimited, segment } from '../msgraph/index.js';
import { defineSource, type RawRecord, type ReadRequest, type Source, type SourceContext } from '../types.js';
import { OWNER_PROPERTIES, deviceSelect } from './fields.js';
import { entraDevicesSettings, type EntraDevicesSettings } from './settings.js';

type Device = Record<string, unknown>;

export function createEntraDevicesSource(s: EntraDevicesSettings, ctx: SourceContext): Source {
  const graph = graphApi(s, ctx, {
    secretSetting: 'client_secret',
    secret: s.client_secret,
    certificates: true,
    rate_limit_max_wait: s.rate_limit_max_wait,
    permissionFor: (url) => ({ what: url.endsWith('/registeredOwners') ? 'the registered owners of devices' : 'devices', permission: 'Device.Read.All' }),
    unknownProperty: (property) => new PermanentError(`Entra ID devices have no property "${property}", which a mapping reads: correct the mapping (fields are the Graph device properties, e.g. displayName, operatingSystemVersion)`),
  });
  const filter = s.filter.trim() || undefined;
  const devices = (select: readonly string[], top: number) => graph.pages<Device>('/v1.0/devices', directoryQuery(select, top, filter));
  let warnedLimited = false;
  const owners = async (device: Device) => {
    const found = [];
    for await (const owner of graph.pages(`/v1.0/devices/${segment(device.id)}/registeredOwners`, { query: { $select: OWNER_PROPERTIES.join(',') } })) {
      if (!warnedLimited && owner['@odata.type'] === '#microsoft.graph.user' && isLimited(owner, ['displayName', 'userPrincipalName'])) {
        warnedLimited = true;
        ctx.log.warn(`registered owners come back without their names (only "@odata.type" and id): give the app registration the Microsoft Graph application permission User.Read.All`);
      }
      found.push({ '@odata.type': owner['@odata.type'] ?? null, ...Object.fromEntries(OWNER_PROPERTIES.map((p) => [p, owner[p] ?? null])) });
    }
    return found;
  };
  const describe = (d: Device) => `device ${String(d.id)}${d.displayName ? ` "${String(d.displayName)}"` : ''}`;

  return {
    async check() {
      for await (const device of devices(['id', 'displayName'], 1)) {
        const owned = s.load_owners ? `; ${(await owners(device)).length} registered owner(s)` : '';
        return `${graph.who}; read ${describe(device)}${owned}`;
      }
      return `${graph.who}; the directory has no devices${filter ? ' matching the filter' : ''} the application can see`;
    },

    async *read(request: ReadRequest) {
      ctx.log.info(`reading devices of tenant "${graph.app.tenant}" from ${s.url} (${s.page_size} per page)${filter ? ` matching "${filter}"` : ''}${s.load_owners ? ', with registered owners' : ''}`);
      const inc = request.incremental;
      // sync_mode = incremental: the delta function (../msgraph/delta.ts; no filter there, refused at load time).
      const listed = inc
        ? deltaRead<Device>(graph, inc, { path: '/v1.0/devices/delta', select: deviceSelect(request), log: ctx.log, signal: ctx.signal })
        : devices(deviceSelect(request), s.page_size);
      if (!s.load_owners) {
        if (request.fields.some((f) => f.split('.')[0] === 'owners')) ctx.log.warn('a mapping reads owners, but load_owners is off: set load_owners = True to read registered owners');
        yield* listed;
        return;
      }
      yield* fanOut(listed, {
        concurrency: concurrencyOf(s, ctx.concurrency),
        fetch: async (device): Promise<RawRecord> => ({ ...device, owners: await owners(device) }),
        label: describe,
        reportFailure: ctx.reportFailure,
        signal: ctx.signal,
        isFatal: isFatalForGraph,
      });
    },
  };
}

export const entraDevices = defineSource({
  name: 'entra_devices',
  title: 'Microsoft Entra ID devices (optionally with registered owners), read from Microsoft Graph',
  dataType: 'assets',
  mappingName: 'EntraDevices',
  settings: entraDevicesSettings,
  incremental: {
    watermark: 'the @odata.deltaLink of GET /devices/delta',
    valid: (w) => isDeltaLink(w, '/v1.0/devices/delta'),
    unavailable: (s) => (String(s.filter ?? '').trim() ? 'cannot be combined with filter: Graph delta queries (/devices/delta) take no $filter' : undefined),
  },
  create: createEntraDevicesSource,
});
