/**
 * The record the original builds for one VM (connectors/vcenter.py, latest release): the VM detail plus `vm` (the
 * list entry), `datacenter`, `host`, `tools`, `guest_identity`, and `mac_address` / `ip_address` of the first NIC.
 * The `/api` shape's keyed collections become the `/rest` shape's `[{value, key}]` lists, so one mapping
 * (`nics.0.value.mac_address`) works with both APIs.
 */
import type { RawRecord } from '../types.js';

/** The keyed collections of a VM detail that the original turns into lists (in its order). */
export const KEYED_COLLECTIONS = [
  'serial_ports', 'scsi_adapters', 'sata_adapters', 'parallel_ports', 'nics', 'floppies', 'disks', 'cdroms', 'nvme_adapters',
] as const;

export interface ApplianceInterface {
  mac?: unknown;
  ipv4?: { address?: unknown } | null;
}

export interface GuestInterface {
  mac_address?: unknown;
  ip?: { ip_addresses?: Array<{ ip_address?: unknown }> } | null;
}

export interface VmParts {
  detail: RawRecord;
  vm: RawRecord;
  datacenter: RawRecord;
  host: RawRecord;
  tools: unknown;
  guestIdentity: RawRecord;
  /** The guest's own NICs (guest/networking/interfaces; needs VMware Tools); undefined when not read. */
  guestInterfaces?: GuestInterface[];
  /** The vCenter appliance's interfaces: the original's (mistaken) source of NIC addresses, kept as a fallback. */
  applianceInterfaces: ApplianceInterface[];
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const keyed = (map: Record<string, unknown>) => Object.entries(map).map(([key, value]) => ({ value, key }));
const sameMac = (a: unknown, b: unknown) => typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();

/**
 * The address of the NIC with this MAC: the guest's first IPv4 address on it (else its first address), as
 * VMware Tools report them; else the original's lookup among the appliance's interfaces (which only matches the
 * vCenter appliance's own VM); else null.
 */
export function ipOf(mac: unknown, parts: Pick<VmParts, 'guestInterfaces' | 'applianceInterfaces'>): unknown {
  const guest = parts.guestInterfaces?.find((i) => sameMac(i?.mac_address, mac));
  const addresses = (guest?.ip?.ip_addresses ?? []).map((a) => a?.ip_address).filter((a): a is string => typeof a === 'string' && a !== '');
  const address = addresses.find((a) => !a.includes(':')) ?? addresses[0];
  if (address) return address;
  const appliance = parts.applianceInterfaces.find((i) => i?.mac === mac);
  return appliance ? appliance.ipv4?.address ?? null : null;
}

export function vmRecord(parts: VmParts, legacy: boolean): RawRecord {
  const record: RawRecord = { ...parts.detail, vm: parts.vm, datacenter: parts.datacenter, host: parts.host, tools: parts.tools };

  const identity = parts.guestIdentity;
  const fullName = identity.full_name;
  record.guest_identity = isMap(fullName) && isMap(fullName.params) && Object.keys(fullName.params).length > 0
    ? { ...identity, full_name: { ...fullName, params: keyed(fullName.params) } }
    : identity;

  if (!legacy && isMap(record.nics)) {
    // The original converts every collection and fails on one an older build lacks; missing ones are skipped.
    for (const name of KEYED_COLLECTIONS) if (isMap(record[name])) record[name] = keyed(record[name] as Record<string, unknown>);
  }

  const nics = record.nics;
  if (Array.isArray(nics) && nics.length > 0) {
    record.nics = nics.map((nic: unknown) => {
      if (!isMap(nic) || !isMap(nic.value)) return nic;
      return { ...nic, value: { ...nic.value, ip_address: ipOf(nic.value.mac_address, parts) } };
    });
    const first = (record.nics as Array<{ value?: { mac_address?: unknown; ip_address?: unknown } }>)[0]?.value;
    record.mac_address = first?.mac_address ?? null;
    record.ip_address = first?.ip_address ?? null;
  } else {
    record.mac_address = null;
    record.ip_address = null;
  }
  return record;
}
