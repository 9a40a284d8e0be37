/**
 * Microsoft Intune managed devices `[intune_devices]`: `GET /v1.0/deviceManagement/managedDevices` through the
 * shared Graph client (../msgraph/), with `$select` from the mappings. Per device, with bounded concurrency, the
 * properties only a single-device GET returns (when mapped) and the detected apps (`load_software`) as
 * `software: [{ name, version, path: null, publisher }]`.
 * https://learn.microsoft.com/graph/api/intune-devices-manageddevice-list
 */
import { PermanentError } from '../../errors.js';
import type { FieldMappings } from '../../records.js';
import { concurrencyOf, fanOut } from '../../http/index.js';
import { graphApi, isFatalForGraph, segment, type GraphApi } from '../msgraph/index.js';
import { defineSource, type RawRecord, type ReadRequest, type Source, type SourceContext } from '../types.js';
import { detailSelect, listSelect } from './fields.js';
import { intuneSettings, type IntuneSettings } from './settings.js';

const DEVICES = '/v1.0/deviceManagement/managedDevices';
/** Per-device detected apps are only on beta (v1.0 has the tenant-wide list, keyed by app, not by device). */
const detectedAppsOf = (id: unknown) => `/beta/deviceManagement/managedDevices/${segment(id)}/detectedApps`;
const PERMISSION = 'DeviceManagementManagedDevices.Read.All';

type Device = Record<string, unknown>;

/** One detected app as the software entry every asset source sends (APPLICATIONS). */
function softwareEntry(app: Record<string, unknown>) {
  return { name: app.displayName ?? null, version: app.version ?? null, path: null, publisher: app.publisher ?? null };
}

function intuneGraph(s: IntuneSettings, ctx: SourceContext): GraphApi {
  return graphApi(s, ctx, {
    secretSetting: 'client_secret',
    secret: s.client_secret,
    certificates: true,
    rate_limit_max_wait: s.rate_limit_max_wait,
    permissionFor: (url) => ({ what: url.includes('/detectedApps') ? 'the detected apps of Intune devices' : 'Intune managed devices', permission: PERMISSION }),
    explain: (f) => /Request not applicable to target tenant/i.test(f.said)
      ? new PermanentError(`Microsoft Graph: tenant "${s.tenant_id.trim()}" has no Intune service (HTTP ${f.status}, ${f.said}): Intune managed devices need an active Intune licence in the tenant`)
      : undefined,
    unknownProperty: (property) => new PermanentError(`Intune managed devices have no property "${property}", which a mapping reads: correct the mapping (fields are the Graph managedDevice properties, e.g. serialNumber, osVersion)`),
  });
}

export function createIntuneSource(s: IntuneSettings, ctx: SourceContext): Source {
  const graph = intuneGraph(s, ctx);
  const filter = s.filter.trim() || undefined;
  const devices = (select: readonly string[], top?: number) =>
    graph.pages<Device>(DEVICES, { query: { $select: select.join(','), $filter: filter, $top: top } });
  const software = async (device: Device) => {
    const apps = [];
    for await (const app of graph.pages(detectedAppsOf(device.id), { query: { $select: 'displayName,version,publisher' } })) apps.push(softwareEntry(app));
    return apps;
  };
  const describe = (d: Device) => `managed device ${String(d.id)}${d.deviceName ? ` "${String(d.deviceName)}"` : ''}`;

  return {
    async check() {
      for await (const device of devices(['id', 'deviceName', 'serialNumber'], 1)) {
        const apps = s.load_software ? `; ${(await software(device)).length} detected app(s)` : '';
        return `${graph.who}; read ${describe(device)} (serial number "${String(device.serialNumber ?? '')}")${apps}`;
      }
      return `${graph.who}; Intune has no managed devices${filter ? ' matching the filter' : ''} the application can see`;
    },

    async *read(request: ReadRequest) {
      const detail = detailSelect(request.fields);
      if (!s.load_software && request.fields.some((f) => f === 'software' || f.startsWith('software.'))) {
        ctx.log.warn('a mapping reads software, but load_software is off: set load_software = True to read detected apps');
      }
      const perDevice = [detail.length ? `${detail.join(', ')} (per device)` : '', s.load_software ? 'detected apps' : ''].filter(Boolean).join(' and ');
      ctx.log.info(`reading Intune managed devices of tenant "${graph.app.tenant}" from ${s.url}${filter ? ` matching "${filter}"` : ''}${perDevice ? `, with ${perDevice}` : ''}`);
      const listed = devices(listSelect(request));
      if (!detail.length && !s.load_software) {
        yield* listed;
        return;
      }
      // A device whose details or apps cannot be read is reported and not sent: sent without them, its apps would be cleared.
      yield* fanOut(listed, {
        concurrency: concurrencyOf(s, ctx.concurrency),
        fetch: async (device): Promise<RawRecord> => {
          const record: RawRecord = { ...device };
          if (detail.length) {
            const full = await graph.get(`${DEVICES}/${segment(device.id)}`, { query: { $select: detail.join(',') } });
            for (const name of detail) record[name] = full[name] ?? null;
          }
          if (s.load_software) record.software = await software(device);
          return record;
        },
        label: describe,
        reportFailure: ctx.reportFailure,
        signal: ctx.signal,
        isFatal: isFatalForGraph,
      });
    },
  };
}

export const intuneDevices = defineSource({
  name: 'intune_devices',
  title: 'Microsoft Intune managed devices, read from Microsoft Graph',
  dataType: 'assets',
  mappingName: 'IntuneDevices',
  settings: intuneSettings,
  // Only with load_software: without it the record has no software, and APPLICATIONS would be sent empty.
  defaultMappings: (s): FieldMappings => (s.load_software ? { APPLICATIONS: { source: 'software' } } : {}),
  create: createIntuneSource,
});
