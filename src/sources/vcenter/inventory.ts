/**
 * Datacenters -> hosts -> VMs, as the original walks them (one VM list per host). A VM list that matches more VMs
 * than vCenter returns in one call (UNABLE_TO_ALLOCATE_RESOURCE; 1000 or 4000 by version) is narrowed instead of
 * lost: by power state, then by VM folder; VMs seen twice (a folder filter that also matches subfolders) are
 * dropped. A host whose VMs cannot be listed even so is reported and the others are read.
 */
import { PermanentError } from '../../errors.js';
import type { HttpClientLike } from '../../http/index.js';
import type { RawRecord } from '../types.js';
import { isTooMany, type Flavour } from './api.js';

export interface Placed {
  vm: RawRecord & { vm: string };
  datacenter: RawRecord & { datacenter: string };
  host: RawRecord & { host: string };
}

export interface InventoryOptions {
  signal: AbortSignal;
  reportFailure(id: string, error: unknown): void;
  log(message: string): void;
}

const POWER_STATES = ['POWERED_ON', 'POWERED_OFF', 'SUSPENDED'];
type Filter = Record<string, string>;

export function hostLabel(host: RawRecord): string {
  return `host ${String(host.host)}${typeof host.name === 'string' ? ` "${host.name}"` : ''}`;
}

export class Inventory {
  constructor(private readonly api: HttpClientLike, private readonly flavour: Flavour, private readonly opts: InventoryOptions) {}

  private async get<T>(path: string, filter: Filter = {}): Promise<T> {
    const query = Object.fromEntries(Object.entries(filter).map(([k, v]) => [this.flavour.filter(k), v]));
    const res = await this.api.request('GET', `${this.flavour.root}${path}`, { query, headers: { accept: 'application/json' }, signal: this.opts.signal });
    const body = this.flavour.unwrap<T>(res);
    if (!Array.isArray(body)) throw new PermanentError(`${res.url}: expected a list, got ${typeof body}`);
    return body;
  }

  datacenters(): Promise<Array<Placed['datacenter']>> {
    return this.get('/vcenter/datacenter');
  }

  hosts(datacenter: string): Promise<Array<Placed['host']>> {
    return this.get('/vcenter/host', { datacenters: datacenter });
  }

  async *vms(limit?: number): AsyncGenerator<Placed> {
    let n = 0;
    for (const datacenter of await this.datacenters()) {
      for (const host of await this.hosts(datacenter.datacenter)) {
        for await (const vm of this.vmsOn(datacenter, host)) {
          yield { vm, datacenter, host };
          if (limit !== undefined && ++n >= limit) return;
        }
      }
    }
  }

  /** The VMs on one host, narrowed as needed (see the module comment). */
  private async *vmsOn(datacenter: Placed['datacenter'], host: Placed['host']): AsyncGenerator<Placed['vm']> {
    const seen = new Set<string>();
    const splits: Array<(f: Filter) => Promise<Filter[]>> = [
      async (f) => POWER_STATES.map((state) => ({ ...f, power_states: state })),
      async (f) => {
        const folders = await this.get<Array<{ folder: string }>>('/vcenter/folder', { type: 'VIRTUAL_MACHINE', datacenters: datacenter.datacenter });
        return folders.map((folder) => ({ ...f, folders: folder.folder }));
      },
    ];
    const list = async function* (this: Inventory, filter: Filter, depth: number): AsyncGenerator<Placed['vm']> {
      let vms: Array<Placed['vm']>;
      try {
        vms = await this.get('/vcenter/vm', filter);
      } catch (err) {
        if (!isTooMany(err)) throw err;
        const narrowed = Object.entries(filter).filter(([k]) => k !== 'hosts').map(([k, v]) => `${k}=${v}`).join(', ');
        if (depth >= splits.length) {
          this.opts.reportFailure(`${hostLabel(host)}${narrowed ? ` (${narrowed})` : ''}`,
            new PermanentError(`vCenter lists too many VMs at once even narrowed by power state and folder: ${(err as Error).message}`));
          return;
        }
        this.opts.log(`${hostLabel(host)}${narrowed ? ` (${narrowed})` : ''} has more VMs than one list returns: listing them ${depth === 0 ? 'by power state' : 'by folder'}`);
        for (const sub of await splits[depth](filter)) yield* list.call(this, sub, depth + 1);
        return;
      }
      for (const vm of vms) {
        if (seen.has(vm.vm)) continue;
        seen.add(vm.vm);
        yield vm;
      }
    };
    yield* list.call(this, { hosts: host.host }, 0);
  }
}
