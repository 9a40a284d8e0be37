/**
 * A vCenter Server test server for `[vcenter]`: the vSphere Automation REST API in both shapes
 * (https://developer.broadcom.com/xapis/vsphere-automation-api/latest/):
 * - `/rest`: POST /rest/com/vmware/cis/session (HTTP Basic) -> 200 {"value": "<session id>"}; list filters are
 *   `filter.<name>`; bodies wrapped in {"value": ...}; errors {"type": "com.vmware.vapi.std.errors.<kind>",
 *   "value": {"messages": [...]}}; collections of a VM detail are [{key, value}] lists.
 * - `/api`: POST /api/session (HTTP Basic) -> 201 "<session id>"; filters `<name>`; bare bodies; errors
 *   {"error_type": "<KIND>", "messages": [...]}; collections of a VM detail are maps keyed by device key.
 * Every other call needs `vmware-api-session-id` of a live session (else 401 UNAUTHENTICATED); DELETE on the session
 * path ends it. A query parameter the operation does not know is refused (400 INVALID_ARGUMENT), so a client using
 * the other shape's filter names fails as it would on vCenter. A VM list matching more than `cap` VMs fails with
 * 500 UNABLE_TO_ALLOCATE_RESOURCE (vCenter: 1000 or 4000). guest/identity and guest/networking answer 503 for a VM
 * without VMware Tools running. `throttle` answers 429 with Retry-After on VM details.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeVcenterOptions {
  /** Serve only this shape (the other answers 404); default both. */
  only?: 'rest' | 'api';
  datacenters?: number;
  hostsPerDatacenter?: number;
  /** VMs per host. */
  vmsPerHost?: number;
  /** At most this many VMs in one VM list (vCenter: 4000; 1000 on old /rest builds). */
  cap?: number;
  username?: string;
  password?: string;
  /** The user may not read VMs (403 on every vcenter/ call). */
  forbidden?: boolean;
  /** /rest builds before nvme_adapters existed: VM details without it. */
  noNvme?: boolean;
}

export interface FakeVm {
  id: string;
  name: string;
  host: string;
  datacenter: string;
  folder: string;
  powerState: string;
  mac: string;
  /** The guest's IPv4 address, when VMware Tools run (else no guest calls answer). */
  ip?: string;
}

export interface FakeVcenter {
  url: string;
  username: string;
  password: string;
  vms: FakeVm[];
  /** Every request, "METHOD /path?query". */
  log: string[];
  statuses: number[];
  logins: number;
  logouts: number;
  /** The appliance's own NIC (the original's lookup table). */
  applianceMac: string;
  /** Ends every session after `requests` more requests carrying one (0: now): the next answers 401. */
  expireSessions(requests?: number): void;
  /** After `skip` more VM detail requests, the next `times` answer 429 with Retry-After. */
  throttle(times: number, retryAfter: string, skip?: number): void;
  /** Detail requests of this VM answer `status` the next `times` times. */
  failVm(id: string, status: number, times?: number): void;
  close(): Promise<void>;
}

const KINDS: Record<number, string> = { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'UNAUTHORIZED', 404: 'NOT_FOUND', 429: 'RESOURCE_BUSY', 500: 'ERROR', 503: 'SERVICE_UNAVAILABLE' };

export async function startFakeVcenter(opts: FakeVcenterOptions = {}): Promise<FakeVcenter> {
  const username = opts.username ?? 'administrator@vsphere.local';
  const password = opts.password ?? 'vc-Secret-pa55';
  const cap = opts.cap ?? 4000;
  const dcs = Array.from({ length: opts.datacenters ?? 1 }, (_, d) => ({ datacenter: `datacenter-${d + 1}`, name: `DC${d + 1}` }));
  const hosts = dcs.flatMap((dc, d) => Array.from({ length: opts.hostsPerDatacenter ?? 2 }, (_, h) => ({
    dc: dc.datacenter, summary: { host: `host-${d * 10 + h + 10}`, name: `esx${d + 1}-${h + 1}.example.com`, connection_state: 'CONNECTED', power_state: 'POWERED_ON' },
  })));
  const states = ['POWERED_ON', 'POWERED_OFF', 'SUSPENDED'];
  let i = 0;
  const vms: FakeVm[] = hosts.flatMap((h) => Array.from({ length: opts.vmsPerHost ?? 3 }, () => {
    i++;
    const hex = i.toString(16).padStart(2, '0');
    return {
      id: `vm-${100 + i}`, name: `web-${String(i).padStart(3, '0')}`, host: h.summary.host, datacenter: h.dc, folder: `group-v${i % 2 ? 1 : 2}`,
      powerState: states[i % 5 === 0 ? 1 : i % 7 === 0 ? 2 : 0], mac: `00:50:56:9a:00:${hex}`, ...(i % 4 === 0 ? {} : { ip: `10.1.0.${i}` }),
    };
  }));
  const applianceMac = '00:50:56:aa:bb:cc';
  const sessions = new Set<string>();
  const vmFailures = new Map<string, { status: number; times: number }>();
  const log: string[] = [];
  const statuses: number[] = [];
  const state = { logins: 0, logouts: 0, n: 0, throttleLeft: 0, throttleSkip: 0, retryAfter: '1', expireIn: Infinity };

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    log.push(`${req.method} ${url.pathname}${url.search}`);
    const legacy = url.pathname.startsWith('/rest/');
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      statuses.push(status);
      const wrapped = body === undefined ? undefined : legacy ? { value: body } : body;
      res.writeHead(status, { ...(wrapped === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
      res.end(wrapped === undefined ? '' : JSON.stringify(wrapped));
    };
    const fail = (status: number, message: string, kind = KINDS[status] ?? 'ERROR', headers: Record<string, string> = {}) => {
      statuses.push(status);
      const messages = [{ args: [], default_message: message, id: `com.vmware.fake.${kind.toLowerCase()}` }];
      const body = legacy ? { type: `com.vmware.vapi.std.errors.${kind.toLowerCase()}`, value: { messages } } : { error_type: kind, messages };
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const root = legacy ? '/rest' : url.pathname.startsWith('/api/') ? '/api' : undefined;
    if (!root || (opts.only && opts.only !== root.slice(1))) return fail(404, 'Not found');
    const path = url.pathname.slice(root.length);
    const sessionPath = legacy ? '/com/vmware/cis/session' : '/session';

    if (path === sessionPath) {
      if (req.method === 'POST') {
        const [scheme, encoded] = (req.headers.authorization ?? '').split(' ');
        const [user, ...rest] = scheme === 'Basic' && encoded ? Buffer.from(encoded, 'base64').toString('utf8').split(':') : [];
        if (user !== username || rest.join(':') !== password) return fail(401, 'Authentication required.');
        const token = `sess-${++state.n}-${Math.random().toString(36).slice(2)}`;
        sessions.add(token);
        state.logins++;
        return send(legacy ? 200 : 201, token);
      }
      if (req.method === 'DELETE') {
        const token = String(req.headers['vmware-api-session-id'] ?? '');
        if (!sessions.delete(token)) return fail(401, 'Authentication required.');
        state.logouts++;
        return send(legacy ? 200 : 204);
      }
      return fail(405, 'Method not allowed');
    }
    if (state.expireIn-- <= 0) {
      sessions.clear();
      state.expireIn = Infinity;
    }
    if (!sessions.has(String(req.headers['vmware-api-session-id'] ?? ''))) return fail(401, 'Authentication required.');
    if (req.method !== 'GET') return fail(405, 'Method not allowed');

    // Filters as this shape spells them; anything else is refused.
    const filters = (allowed: string[]): Record<string, string> | undefined => {
      const out: Record<string, string> = {};
      for (const [k, v] of url.searchParams) {
        const name = legacy ? (k.startsWith('filter.') ? k.slice('filter.'.length) : undefined) : k;
        if (!name || !allowed.includes(name)) {
          fail(400, `Unexpected query parameter: ${k}`);
          return undefined;
        }
        out[name] = v;
      }
      return out;
    };

    if (path === '/appliance/networking/interfaces') {
      return send(200, [{ name: 'nic0', status: 'up', mac: applianceMac, ipv4: { configurable: true, mode: 'STATIC', address: '10.0.0.5', prefix: 24, default_gateway: '10.0.0.1' } }]);
    }
    if (opts.forbidden && path.startsWith('/vcenter/')) return fail(403, 'Permission denied.');
    if (path === '/vcenter/datacenter') {
      if (!filters([])) return;
      return send(200, dcs);
    }
    if (path === '/vcenter/host') {
      const f = filters(['datacenters']);
      if (!f) return;
      return send(200, hosts.filter((h) => !f.datacenters || h.dc === f.datacenters).map((h) => h.summary));
    }
    if (path === '/vcenter/folder') {
      const f = filters(['type', 'datacenters']);
      if (!f) return;
      if (f.type !== 'VIRTUAL_MACHINE') return send(200, []);
      return send(200, [{ folder: 'group-v1', name: 'Production', type: 'VIRTUAL_MACHINE' }, { folder: 'group-v2', name: 'Test', type: 'VIRTUAL_MACHINE' }]);
    }
    if (path === '/vcenter/vm') {
      const f = filters(['hosts', 'power_states', 'folders']);
      if (!f) return;
      const matching = vms.filter((v) => (!f.hosts || v.host === f.hosts) && (!f.power_states || v.powerState === f.power_states) && (!f.folders || v.folder === f.folders));
      if (matching.length > cap) {
        return fail(500, `The number of virtual machines matching the filter exceeds the limit of ${cap}.`, 'UNABLE_TO_ALLOCATE_RESOURCE');
      }
      return send(200, matching.map((v) => ({ vm: v.id, name: v.name, power_state: v.powerState, cpu_count: 2, memory_size_MiB: 4096 })));
    }
    const m = /^\/vcenter\/vm\/([^/]+)(\/tools|\/guest\/identity|\/guest\/networking\/interfaces)?$/.exec(path);
    const vm = m ? vms.find((v) => v.id === m[1]) : undefined;
    if (m && !vm) return fail(404, `Virtual machine with identifier '${m[1]}' does not exist.`);
    if (vm && !m![2]) {
      const failure = vmFailures.get(vm.id);
      if (failure && failure.times > 0) {
        failure.times--;
        return fail(failure.status, 'Injected failure');
      }
      if (state.throttleSkip > 0) state.throttleSkip--;
      else if (state.throttleLeft > 0) {
        state.throttleLeft--;
        return fail(429, 'Too many requests', 'RESOURCE_BUSY', { 'retry-after': state.retryAfter });
      }
      return send(200, vmDetail(vm, legacy, opts.noNvme));
    }
    if (vm && m![2] === '/tools') {
      return send(200, { auto_update_supported: true, install_attempt_count: 1, version_status: vm.ip ? 'CURRENT' : 'NOT_INSTALLED', run_state: vm.ip ? 'RUNNING' : 'NOT_RUNNING', version_number: vm.ip ? 12352 : 0, upgrade_policy: 'MANUAL', install_type: 'OPEN_VM_TOOLS' });
    }
    if (vm && !vm.ip) return fail(503, 'VMware Tools is not running in the virtual machine.');
    if (vm && m![2] === '/guest/identity') {
      const fullName = { args: [], default_message: 'Ubuntu Linux (64-bit)', id: 'vmsg.guestos.ubuntu64Guest.label', ...(legacy ? {} : { params: { release: { s: '22.04' } } }) };
      return send(200, { name: 'UBUNTU_64', family: 'LINUX', full_name: fullName, host_name: `${vm.name}.example.com`, ip_address: vm.ip });
    }
    if (vm && m![2] === '/guest/networking/interfaces') {
      return send(200, [{ mac_address: vm.mac, nic: '4000', ip: { ip_addresses: [{ ip_address: 'fe80::250:56ff:fe9a:1', prefix_length: 64, state: 'PREFERRED' }, { ip_address: vm.ip, prefix_length: 24, origin: 'DHCP', state: 'PREFERRED' }] } }]);
    }
    return fail(404, `No such operation: ${path}`);
  };

  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    username,
    password,
    vms,
    log,
    statuses,
    applianceMac,
    get logins() { return state.logins; },
    get logouts() { return state.logouts; },
    expireSessions(requests = 0) {
      state.expireIn = requests;
    },
    throttle(times, retryAfter, skip = 0) {
      state.throttleLeft = times;
      state.retryAfter = retryAfter;
      state.throttleSkip = skip;
    },
    failVm: (id, status, times = 1) => void vmFailures.set(id, { status, times }),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** The VM detail (VM.Info): device collections keyed by device key (`/api`) or as [{key, value}] (`/rest`). */
export function vmDetail(vm: FakeVm, legacy: boolean, noNvme = false): Record<string, unknown> {
  const collections: Record<string, Record<string, unknown>> = {
    nics: { 4000: { label: 'Network adapter 1', type: 'VMXNET3', mac_type: 'ASSIGNED', mac_address: vm.mac, pci_slot_number: 192, wake_on_lan_enabled: true, backing: { type: 'STANDARD_PORTGROUP', network: 'network-11', network_name: 'VM Network' }, state: 'CONNECTED', start_connected: true, allow_guest_control: true, upt_compatibility_enabled: true } },
    disks: { 2000: { label: 'Hard disk 1', type: 'SCSI', capacity: 42949672960, scsi: { bus: 0, unit: 0 }, backing: { type: 'VMDK_FILE', vmdk_file: `[datastore1] ${vm.name}/${vm.name}.vmdk` } } },
    cdroms: { 3000: { label: 'CD/DVD drive 1', type: 'SATA', sata: { bus: 0, unit: 0 }, start_connected: false, allow_guest_control: true, backing: { type: 'CLIENT_DEVICE', device_access_type: 'PASSTHRU' }, state: 'NOT_CONNECTED' } },
    floppies: {},
    serial_ports: {},
    parallel_ports: {},
    sata_adapters: { 15000: { label: 'SATA controller 0', type: 'AHCI', bus: 0, pci_slot_number: 33 } },
    scsi_adapters: { 1000: { label: 'SCSI controller 0', type: 'PVSCSI', scsi: { bus: 0, unit: 7 }, pci_slot_number: 160, sharing: 'NONE' } },
    ...(noNvme ? {} : { nvme_adapters: {} }),
  };
  const shaped = Object.fromEntries(Object.entries(collections).map(([name, map]) => [name, legacy ? Object.entries(map).map(([key, value]) => ({ key, value })) : map]));
  return {
    name: vm.name,
    guest_OS: 'UBUNTU_64',
    power_state: vm.powerState,
    identity: { name: vm.name, bios_uuid: `4214-${vm.id}`, instance_uuid: `5014-${vm.id}` },
    hardware: { upgrade_policy: 'NEVER', upgrade_status: 'NONE', version: 'VMX_19' },
    boot: { type: 'BIOS', delay: 0, retry: false, retry_delay: 10000, enter_setup_mode: false },
    boot_devices: [],
    cpu: { count: 2, cores_per_socket: 1, hot_add_enabled: false, hot_remove_enabled: false },
    memory: { size_MiB: 4096, hot_add_enabled: false },
    ...shaped,
  };
}
