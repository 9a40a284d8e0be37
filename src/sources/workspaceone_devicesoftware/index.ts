/**
 * Workspace ONE device software `[workspaceone_devicesoftware]`: every device of the UEM device search with its
 * software as `software[]`, by one of the original's three strategies (`apps_scope`): managed (the app catalogue
 * and, per app, the devices that have it), installed (per device, its apps) or all (both, one list). The calls per
 * app and per device run `concurrency` at a time (the original made them one after another).
 * Assets; MappingName `workspaceone_devicesoftware`; APPLICATIONS <- software unless mapped otherwise.
 */
import { PermanentError } from '../../errors.js';
import { concurrencyOf, fanOut, limitConcurrency, rateLimitOf, type LimitedClient } from '../../http/index.js';
import { defineSource, type RawRecord, type Source, type SourceContext } from '../types.js';
import { credentialsOf, describeCredentials, isUemFatal, uemClient } from '../workspaceone/index.js';
import {
  appCatalogue, deviceLabel, devicePages, devicesWithApp, deviceUuid, installedApps,
  type Device, type Software, type SoftwareFilters,
} from './software.js';
import { workspaceOneSoftwareSettings, type WorkspaceOneSoftwareSettings } from './settings.js';

export interface WorkspaceOneSoftwareOptions {
  /** Clock of the OAuth token's lifetime, for tests. */
  now?: () => number;
}

/** Validates the settings (ConfigError) and builds the source; nothing connects until check() or read(). */
export function createWorkspaceOneSoftwareSource(s: WorkspaceOneSoftwareSettings, ctx: SourceContext, opts: WorkspaceOneSoftwareOptions = {}): Source {
  const credentials = credentialsOf(s, ctx.section, 'oauth');
  const client = uemClient(ctx.http, { section: ctx.section, url: s.url, credentials, rateLimit: rateLimitOf(s), now: opts.now });
  const filters: SoftwareFilters = { ignoreApple: s.ignore_apple, defaultVersioning: s.default_versioning };

  /** Device Uuid -> its managed apps, in catalogue order (the original's two caches). */
  async function managedByDevice(api: LimitedClient, n: number): Promise<Map<string, Software[]>> {
    const { apps, withoutUuid } = await appCatalogue(api, filters, n, ctx.signal);
    if (withoutUuid) ctx.log.info(`${withoutUuid} app(s) of the catalogue have no Uuid and are attached to no device`);
    ctx.log.info(`the app catalogue lists ${apps.size} app(s); reading which devices have each`);
    const byDevice = new Map<string, Software[]>();
    const lists = fanOut(apps.keys(), {
      concurrency: n,
      fetch: async (uuid) => ({ uuid, devices: await devicesWithApp(api, uuid, ctx.signal) }),
      label: (uuid) => `app "${String(apps.get(uuid)!.name)}" (${uuid})`,
      reportFailure: ctx.reportFailure,
      signal: ctx.signal,
      isFatal: isUemFatal,
    });
    for await (const { uuid, devices } of lists) {
      for (const device of devices) {
        const list = byDevice.get(device) ?? [];
        list.push(apps.get(uuid)!);
        byDevice.set(device, list);
      }
    }
    return byDevice;
  }

  /** The device with its software; each entry is a copy, so that no two records share an object. */
  const withSoftware = (d: Device, software: readonly Software[]): RawRecord => ({ ...d, software: software.map((x) => ({ ...x })) });

  return {
    async check() {
      // One retry: `connector test` should say "unreachable" in seconds.
      const probe = client.with({ retry: { retries: 1 } });
      const res = await probe.request('GET', '/api/mdm/devices/search', { query: { pageSize: 1, page: 0 }, signal: ctx.signal });
      const first = res.status === 204 || res.text.trim() === '' ? undefined : res.json<{ Devices?: Device[] }>()?.Devices?.[0];
      let said = `authenticated to ${s.url} as ${describeCredentials(credentials)}; ${first ? `read ${deviceLabel(first)}` : 'no devices'}`;
      if (s.apps_scope !== 'installed') {
        // The managed strategies also need the app catalogue (REST API > Apps): a missing permission shows here, not mid-run.
        const apps = await probe.request('GET', '/api/mam/apps/search', { query: { pageSize: 1, page: 0 }, signal: ctx.signal });
        said += apps.status === 204 ? '; the app catalogue is empty' : '; the app catalogue answers';
      }
      return said;
    },

    async *read() {
      const n = concurrencyOf(s, ctx.concurrency);
      // Pages ahead and the calls per app and per device share one bound: the section's concurrency.
      const api = limitConcurrency(client, n);
      const managed = s.apps_scope === 'installed' ? undefined : await managedByDevice(api, n);
      const devices = devicePages(api, n, ctx.signal);
      if (s.apps_scope === 'managed') {
        for await (const d of devices) yield withSoftware(d, managed!.get(deviceUuid(d) ?? '') ?? []);
        return;
      }
      yield* fanOut(devices, {
        concurrency: n,
        fetch: async (d) => {
          const uuid = deviceUuid(d);
          if (!uuid) throw new PermanentError('Workspace ONE UEM sent this device without a Uuid: its installed apps cannot be read');
          const installed = await installedApps(api, uuid, filters, ctx.signal);
          return withSoftware(d, [...(managed?.get(uuid) ?? []), ...installed]);
        },
        label: deviceLabel,
        reportFailure: ctx.reportFailure,
        signal: ctx.signal,
        isFatal: isUemFatal,
      });
    },
  };
}

export const workspaceoneDevicesoftware = defineSource({
  name: 'workspaceone_devicesoftware',
  title: 'Workspace ONE UEM devices with their software (managed, installed or all apps)',
  dataType: 'assets',
  mappingName: 'workspaceone_devicesoftware',
  settings: workspaceOneSoftwareSettings,
  // The original adds APPLICATIONS <- software when no mapping names APPLICATIONS (its README says "No default mappings").
  defaultMappings: () => ({ APPLICATIONS: { source: 'software' } }),
  create: (settings, ctx) => createWorkspaceOneSoftwareSource(settings, ctx),
});
