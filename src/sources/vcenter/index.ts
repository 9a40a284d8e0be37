/**
 * VMware vCenter virtual machines `[vcenter]` (the original's latest release): a session login, then per datacenter,
 * per host, its VMs, each with its detail, VMware Tools state, guest identity and guest NICs (one fan-out with one
 * concurrency bound for every request). Assets; MappingName `vCenter`; no default mappings (as the original).
 */
import { PermanentError, errorMessage, isConfigError } from '../../errors.js';
import {
  checkBaseUrl,
  concurrencyOf,
  displayUrl,
  fanOut,
  isAuthFailure,
  limitConcurrency,
  rateLimitOf,
  type HttpClientLike,
} from '../../http/index.js';
import { defineSource, type ReadRequest, type Source, type SourceContext } from '../types.js';
import { classifyVcenterFailure, explainVcenterFailure, flavourOf, vcenterErrorText, vcenterSession, type Flavour } from './api.js';
import { Inventory, type Placed } from './inventory.js';
import { vmRecord, type ApplianceInterface, type GuestInterface } from './records.js';
import { vcenterSettings, type VcenterSettings } from './settings.js';

const label = (p: Placed) => `VM ${p.vm.vm}${typeof p.vm.name === 'string' ? ` "${p.vm.name}"` : ''}`;

/** Guest NICs are one more call per VM: read them when a mapping (or a filter / custom converter) may use addresses. */
export function wantsGuestNics(request: ReadRequest): boolean {
  return request.allFields || request.fields.some((f) => f === 'ip_address' || f === 'nics' || f.startsWith('nics.'));
}

/**
 * A call the original treats as optional (tools, guest identity; guest NICs are new): a refusal, such as the 503
 * of a VM without VMware Tools, gives `fallback` at once; a 500 or 429 is retried (the original retried guest
 * identity on both) and then gives `fallback` too; only a failed session stops the run.
 */
async function optional<T>(api: HttpClientLike, flavour: Flavour, path: string, fallback: T, signal: AbortSignal): Promise<T> {
  try {
    const res = await api.request('GET', path, { headers: { accept: 'application/json' }, acceptStatus: [400, 403, 404, 503], signal });
    return res.status === 200 ? (flavour.unwrap<T>(res) ?? fallback) : fallback;
  } catch (err) {
    if (signal.aborted || isAuthFailure(err)) throw err;
    return fallback;
  }
}

export function createVcenterSource(s: VcenterSettings, ctx: SourceContext): Source {
  const base = checkBaseUrl(s.url, { section: ctx.section });
  const flavour = flavourOf(s.use_legacy_apis);
  const auth = vcenterSession(flavour, { username: s.username, password: s.password }, ctx.section);
  const client = ctx.http.with({
    baseUrl: base,
    auth,
    rateLimit: rateLimitOf(s),
    errorText: vcenterErrorText,
    classifyFailure: classifyVcenterFailure,
    explainFailure: explainVcenterFailure(ctx.section, flavour, s.username),
  });
  const log = (m: string) => ctx.log.info(m);

  const readVm = async (api: HttpClientLike, p: Placed, appliance: ApplianceInterface[], guestNics: boolean) => {
    const vmPath = `${flavour.root}/vcenter/vm/${encodeURIComponent(p.vm.vm)}`;
    const res = await api.request('GET', vmPath, { headers: { accept: 'application/json' }, signal: ctx.signal });
    const detail = flavour.unwrap<Record<string, unknown>>(res);
    if (typeof detail !== 'object' || detail === null) throw new PermanentError(`${res.url}: no VM detail in the reply`);
    const [tools, guestIdentity, guestInterfaces] = await Promise.all([
      optional<unknown>(api, flavour, `${vmPath}/tools`, {}, ctx.signal),
      optional<Record<string, unknown>>(api, flavour, `${vmPath}/guest/identity`, {}, ctx.signal),
      guestNics ? optional<GuestInterface[]>(api, flavour, `${vmPath}/guest/networking/interfaces`, [], ctx.signal) : undefined,
    ]);
    return vmRecord({ detail, ...p, tools, guestIdentity, guestInterfaces: Array.isArray(guestInterfaces) ? guestInterfaces : undefined, applianceInterfaces: appliance }, flavour.legacy);
  };

  /** The appliance's own interfaces (the original's IP lookup); only an appliance administrator may read them. */
  const applianceInterfaces = async (api: HttpClientLike): Promise<ApplianceInterface[]> => {
    try {
      const res = await api.request('GET', `${flavour.root}/appliance/networking/interfaces`, { headers: { accept: 'application/json' }, signal: ctx.signal });
      const list = flavour.unwrap<ApplianceInterface[]>(res);
      return Array.isArray(list) ? list : [];
    } catch (err) {
      if (ctx.signal.aborted || isConfigError(err) || (err as { status?: number }).status === 401) throw err;
      ctx.log.warn(`the appliance's network interfaces could not be read (${(err as Error).message}); addresses come from the guests only`);
      return [];
    }
  };

  return {
    async check() {
      const probe = client.with({ retry: { retries: 1 } });
      const inventory = new Inventory(probe, flavour, { signal: ctx.signal, reportFailure: (id, err) => {
        throw new PermanentError(`${id}: ${errorMessage(err)}`);
      }, log });
      const intro = `authenticated to ${displayUrl(base)} (${flavour.root} API) as ${auth.describe()}`;
      const datacenters = await inventory.datacenters();
      for await (const p of inventory.vms(1)) {
        const record = await readVm(probe, p, [], false);
        return `${intro}; ${datacenters.length} datacenter(s); read ${label(p)} on host "${String(p.host.name)}" (${String(record.power_state ?? 'unknown power state')})`;
      }
      return `${intro}; ${datacenters.length} datacenter(s); no VMs`;
    },

    async *read(request) {
      const n = concurrencyOf(s, ctx.concurrency);
      // Lists, VM details and their three extra calls share one bound: the section's concurrency.
      const api = limitConcurrency(client, n);
      const appliance = await applianceInterfaces(api);
      const guestNics = wantsGuestNics(request);
      const inventory = new Inventory(api, flavour, { signal: ctx.signal, reportFailure: ctx.reportFailure, log });
      yield* fanOut(inventory.vms(), {
        concurrency: n,
        fetch: (p) => readVm(api, p, appliance, guestNics),
        label,
        reportFailure: ctx.reportFailure,
        signal: ctx.signal,
      });
    },
  };
}

export const vcenter = defineSource({
  name: 'vcenter',
  title: 'VMware vCenter virtual machines (vSphere Automation REST API, /rest or /api)',
  dataType: 'assets',
  mappingName: 'vCenter',
  settings: vcenterSettings,
  // The original has no default mappings: the Oomnitza mapping named "vCenter" (use_server_map) or mapping.* lines.
  defaultMappings: () => ({}),
  create: (settings, ctx) => createVcenterSource(settings, ctx),
});
