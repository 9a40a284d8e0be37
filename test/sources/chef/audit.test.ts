/** The original's hardware record per platform, node_mappings and attribute_extension. */
import { audit, kbToMb, leadingDigits } from '../../../src/sources/chef/audit.js';
import { makeNode } from '../../support/fakeChef.js';

const plain = { attributeExtension: {}, nodeMappings: {} };

test('linux (the default audit): memory and disk in MB by true division, no serial or model without node_mappings', () => {
  const warnings: string[] = [];
  expect(audit(makeNode(3), { ...plain, warn: (m) => warnings.push(m) })).toEqual({
    hardware: {
      name: 'node3', ip_address: '10.0.0.3', mac_address: '52:54:00:00:00:03', hostname: 'node3', fqdn: 'node3.example.com', domain: 'example.com',
      platform: 'ubuntu', platform_version: '22.04', serial_number: null, model: null, total_memory_mb: 15625, total_hdd_mb: 100000,
      cpu: 'Intel Xeon', cpu_count: 4, uptime_seconds: 3000,
    },
  });
  expect(warnings).toEqual(['no serial_number lookup for node "node3" (node_mappings "__default__")']);
});

test('mac_os_x: hardware.* lookups, memory.total not divided; windows: kernel lookups, first drive', () => {
  expect(audit(makeNode(1), plain).hardware).toMatchObject({
    platform: 'mac_os_x', serial_number: 'C02X1', model: 'Mac14,2', cpu: 'Apple M2', cpu_count: 8, total_memory_mb: 16384, total_hdd_mb: 494384795 / 1024,
  });
  expect(audit(makeNode(2), plain).hardware).toMatchObject({
    platform: 'windows', serial_number: '00330-2', model: 'Latitude 7440', cpu: 'Intel Core i7', cpu_count: 1, total_memory_mb: 32768, total_hdd_mb: 249000000 / 1024,
  });
});

test('node_mappings override serial_number (every platform) and model (default platform); a falsy value falls back', () => {
  const nodeMappings = {
    __default__: { serial_number: 'automatic.dmi.system.serial_number', model: 'automatic.hostname' },
    windows: { serial_number: 'automatic.nothing.here' },
    mac_os_x: { serial_number: 'automatic.hostname', model: 'automatic.domain' },
  };
  expect(audit(makeNode(3), { ...plain, nodeMappings }).hardware).toMatchObject({ serial_number: 'VMW-3', model: 'node3' });
  expect(audit(makeNode(2), { ...plain, nodeMappings }).hardware).toMatchObject({ serial_number: '00330-2', model: 'Latitude 7440' });
  // The latest original reads only serial_number from node_mappings on mac_os_x.
  expect(audit(makeNode(1), { ...plain, nodeMappings }).hardware).toMatchObject({ serial_number: 'node1', model: 'Mac14,2' });
});

test('attribute_extension: __default__ on every node, a platform entry on its nodes', () => {
  const attributeExtension = { __default__: { env: 'chef_environment', root_mount: 'automatic.filesystem.by_mountpoint./.mount' }, windows: { win_serial: 'automatic.kernel.os_info.serial_number' } };
  expect(audit(makeNode(3), { ...plain, attributeExtension }).hardware).toMatchObject({ env: '_default', root_mount: '/' });
  expect(audit(makeNode(3), { ...plain, attributeExtension }).hardware).not.toHaveProperty('win_serial');
  expect(audit(makeNode(2), { ...plain, attributeExtension }).hardware).toMatchObject({ env: '_default', root_mount: null, win_serial: '00330-2' });
});

test('digits as Python reads them', () => {
  expect([leadingDigits('2048kB'), leadingDigits(1024), leadingDigits('kB'), leadingDigits(null), leadingDigits([1, 2]), leadingDigits(true)]).toEqual([2048, 1024, null, null, null, null]);
  expect([kbToMb('0'), kbToMb('1536'), kbToMb(undefined)]).toEqual([null, 1.5, null]);
});
