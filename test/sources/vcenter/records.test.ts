/** The record of one VM: the /api shape converted to the /rest one, NIC addresses, guest identity params. */
import { getPath } from '../../../src/records.js';
import { vmRecord, type VmParts } from '../../../src/sources/vcenter/records.js';
import { vmDetail, type FakeVm } from '../../support/fakeVcenter.js';

const vm: FakeVm = { id: 'vm-7', name: 'db-7', host: 'host-10', datacenter: 'datacenter-1', folder: 'group-v1', powerState: 'POWERED_ON', mac: '00:50:56:9a:00:07', ip: '10.1.0.7' };
const parts = (legacy: boolean, extra: Partial<VmParts> = {}): VmParts => ({
  detail: vmDetail(vm, legacy),
  vm: { vm: vm.id, name: vm.name, power_state: 'POWERED_ON' },
  datacenter: { datacenter: 'datacenter-1', name: 'DC1' },
  host: { host: 'host-10', name: 'esx1', connection_state: 'CONNECTED', power_state: 'POWERED_ON' },
  tools: { run_state: 'RUNNING' },
  guestIdentity: { name: 'UBUNTU_64', full_name: { args: [], default_message: 'Ubuntu Linux (64-bit)', id: 'x', params: { release: { s: '22.04' } } } },
  guestInterfaces: [{ mac_address: vm.mac.toUpperCase(), ip: { ip_addresses: [{ ip_address: 'fe80::1' }, { ip_address: '10.1.0.7' }] } }],
  applianceInterfaces: [{ mac: '00:50:56:aa:bb:cc', ipv4: { address: '10.0.0.5' } }],
  ...extra,
});

test('/api collections become the /rest [{value, key}] lists: one mapping reads both', () => {
  const api = vmRecord(parts(false), false);
  const rest = vmRecord(parts(true), true);
  for (const path of ['nics.0.value.mac_address', 'nics.0.key', 'nics.0.value.ip_address', 'disks.0.value.capacity', 'scsi_adapters.0.value.type', 'cdroms.0.key', 'mac_address', 'ip_address', 'host.name', 'vm.power_state', 'tools.run_state']) {
    expect([path, getPath(api, path)]).toEqual([path, getPath(rest, path)]);
  }
  expect(api.nics).toEqual([{ key: '4000', value: expect.objectContaining({ mac_address: vm.mac, ip_address: '10.1.0.7' }) }]);
  expect(api.nvme_adapters).toEqual([]);
  expect(api.floppies).toEqual([]);
  // The guest's IPv4 address, not its link-local IPv6 one (MACs compared case-insensitively).
  expect(api.ip_address).toBe('10.1.0.7');
  expect(api.guest_identity).toEqual({ name: 'UBUNTU_64', full_name: { args: [], default_message: 'Ubuntu Linux (64-bit)', id: 'x', params: [{ value: { s: '22.04' }, key: 'release' }] } });
});

test('a collection an older build lacks is skipped (the original raised KeyError)', () => {
  const record = vmRecord({ ...parts(false), detail: vmDetail(vm, false, true) }, false);
  expect('nvme_adapters' in record).toBe(false);
  expect(Array.isArray(record.disks)).toBe(true);
});

test('without VMware Tools: the appliance lookup of the original, else null; no NICs: null mac and ip', () => {
  expect(vmRecord(parts(false, { guestInterfaces: [] }), false).ip_address).toBeNull();
  const appliance = vmRecord(parts(false, { guestInterfaces: undefined, applianceInterfaces: [{ mac: vm.mac, ipv4: { address: '10.0.0.9' } }] }), false);
  expect(appliance.ip_address).toBe('10.0.0.9');
  const bare = vmRecord({ ...parts(false), detail: { name: 'x', nics: {} } }, false);
  expect([bare.mac_address, bare.ip_address, bare.nics]).toEqual([null, null, []]);
});
