/**
 * A ServiceNow instance's asset tables for the tests: asset i (1-based) is a hardware asset when i is odd; it has
 * no CI when i % 4 == 0, a CI that is not a computer (a printer) when i % 10 == 5, else computer `PC-i` with
 * i % 3 software items (asset 1: 150, two pages). Display values of dates are in the API user's zone (CET, +1 h).
 */
import { sysId, type Row } from '../../support/fakeServiceNow.js';

export const day = (i: number) => String((i % 28) + 1).padStart(2, '0');
export const hasComputer = (i: number) => i % 4 !== 0 && i % 10 !== 5;
export const softwareCount = (i: number) => (i === 1 ? 150 : i % 3);

export function assetRow(i: number): Row {
  const ci = i % 4 === 0 ? { value: '', display_value: '' } : i % 10 === 5
    ? { value: sysId('b', i), display_value: `PRN-${i}`, table: 'cmdb_ci_printer' }
    : { value: sysId('c', i), display_value: `PC-${i}`, table: 'cmdb_ci_computer' };
  return {
    sys_id: sysId('a', i),
    asset_tag: `P${1000 + i}`,
    display_name: `P${1000 + i} - Dell Latitude 7440`,
    serial_number: `SN${i}`,
    sys_class_name: i % 2 ? { value: 'alm_hardware', display_value: 'Hardware' } : { value: 'alm_asset', display_value: 'Asset' },
    ci,
    install_status: { value: '1', display_value: 'In use' },
    assigned_to: { value: sysId('d', i), display_value: `User ${i}`, table: 'sys_user' },
    model: { value: sysId('f', 2), display_value: 'Dell Latitude 7440', table: 'cmdb_model' },
    sys_created_on: { value: `2023-01-${day(i)} 08:00:00`, display_value: `2023-01-${day(i)} 09:00:00` },
    warranty_expiration: { value: '2026-06-30', display_value: '2026-06-30' },
  };
}

export function computerRow(i: number): Row {
  return {
    sys_id: sysId('c', i),
    name: `PC-${i}`,
    serial_number: `SN${i}`,
    manufacturer: { value: sysId('f', 1), display_value: 'Dell Inc.', table: 'core_company' },
    model_number: 'L7440',
    operational_status: { value: '1', display_value: 'Operational' },
    install_status: { value: '1', display_value: 'Installed' },
    hardware_status: { value: 'installed', display_value: 'Installed' },
    ip_address: `10.1.0.${i % 250}`,
    cpu_name: 'Intel Core i7-1365U',
    cpu_speed: '2800',
    cpu_count: '1',
    os: { value: 'Windows 11 Enterprise', display_value: 'Windows 11 Enterprise' },
    os_version: '10.0.22631',
    disk_space: '476.94',
    ram: '16384',
    sys_created_on: { value: `2022-12-${day(i)} 07:30:00`, display_value: `2022-12-${day(i)} 08:30:00` },
    mac_address: `00:1a:2b:00:00:${String(i % 100).padStart(2, '0')}`,
    warranty_expiration: i % 3 ? { value: '2027-01-31', display_value: '2027-01-31' } : { value: '', display_value: '' },
    model_id: { value: sysId('f', 2), display_value: 'Latitude 7440', table: 'cmdb_model' },
    sys_class_name: { value: 'cmdb_ci_computer', display_value: 'Computer' },
  };
}

export function softwareRows(i: number): Row[] {
  return Array.from({ length: softwareCount(i) }, (_, k) => ({
    sys_id: sysId('e', i * 1000 + k),
    installed_on: { value: sysId('c', i), display_value: `PC-${i}`, table: 'cmdb_ci_computer' },
    'software.name': `App ${k}`,
    'software.version': `1.${k}`,
  }));
}

/** The tables of an instance with `n` assets (their sys_ids are not in id order on purpose: the rows are shuffled). */
export function serviceNowTables(n: number): Record<string, Row[]> {
  const ids = Array.from({ length: n }, (_, k) => k + 1);
  const shuffled = [...ids].sort((a, b) => ((a * 7919) % 101) - ((b * 7919) % 101) || a - b);
  return {
    alm_asset: shuffled.map(assetRow),
    alm_hardware: ids.filter((i) => i % 2).map((i) => ({ ...assetRow(i), u_cost_center: `CC-${i}`, u_badge: `B${i}` })),
    cmdb_ci_computer: ids.filter(hasComputer).map(computerRow),
    cmdb_software_instance: ids.filter(hasComputer).flatMap(softwareRows),
  };
}

/** The software list the source builds for computer i. */
export const computerSoftware = (i: number) => Array.from({ length: softwareCount(i) }, (_, k) => ({ name: `App ${k}`, version: `1.${k}`, path: null }));

/** The software list the source builds for asset i. */
export const software = (i: number) => (hasComputer(i) ? computerSoftware(i) : []);
