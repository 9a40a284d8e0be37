/**
 * The record the original builds from a Chef node (connectors/chef.py, latest release: its BaseAudit, MacAudit and
 * WindowsAudit): `{hardware: {name, ip_address, ..., uptime_seconds, <attribute_extension keys>}}`, each value looked
 * up in the node by the original's path rules (getPath), per platform.
 */
import { getPath } from '../../records.js';
import type { RawRecord } from '../types.js';
import type { PlatformPaths } from './settings.js';

export interface AuditOptions {
  attributeExtension: PlatformPaths;
  nodeMappings: PlatformPaths;
  /** The original logs a warning when a default node has no serial_number / model lookup. */
  warn?(message: string): void;
}

/** The leading digits of the value's text (Python's `re.match('[0-9]+', str(v))`), or null. */
export function leadingDigits(v: unknown): number | null {
  // Python's str() of a list or dict starts with a bracket: no digits.
  if (v === undefined || v === null || typeof v === 'object') return null;
  const m = /^[0-9]+/.exec(String(v));
  return m ? Number(m[0]) : null;
}

/** KB to MB by true division (the original gives floats such as 15625.0); 0 or no digits: null. */
export function kbToMb(v: unknown): number | null {
  const kb = leadingDigits(v);
  return kb ? kb / 1024 : null;
}

type Node = RawRecord;
const at = (node: Node, path: string) => getPath(node, path) ?? null;

/** A node_mappings override: its value when the path gives a truthy one (the original's `if value := ...`). */
function mapped(node: Node, mappings: PlatformPaths, type: string, field: string): unknown {
  const path = mappings[type]?.[field];
  if (path === undefined) return undefined;
  const value = getPath(node, path);
  return value ? value : undefined;
}

export function audit(node: Node, opts: AuditOptions): RawRecord {
  const platform = at(node, 'automatic.platform');
  const name = at(node, 'name');
  const m = opts.nodeMappings;
  const hardware: Record<string, unknown> = {
    name,
    ip_address: at(node, 'automatic.ipaddress'),
    mac_address: at(node, 'automatic.macaddress'),
    hostname: at(node, 'automatic.hostname'),
    fqdn: at(node, 'automatic.fqdn'),
    domain: at(node, 'automatic.domain'),
    platform,
    platform_version: at(node, 'automatic.platform_version'),
    serial_number: null,
    model: null,
    total_memory_mb: kbToMb(at(node, 'automatic.memory.total')),
    total_hdd_mb: kbToMb(at(node, 'automatic.filesystem.by_mountpoint./.kb_size')),
    cpu: at(node, 'automatic.cpu.0.model_name'),
    cpu_count: at(node, 'automatic.cpu.total'),
    uptime_seconds: at(node, 'automatic.uptime_seconds'),
  };

  if (platform === 'mac_os_x') {
    hardware.serial_number = mapped(node, m, 'mac_os_x', 'serial_number') ?? at(node, 'automatic.hardware.serial_number');
    hardware.model = at(node, 'automatic.hardware.machine_model');
    hardware.cpu = at(node, 'automatic.cpu.model_name');
    hardware.cpu_count = at(node, 'automatic.hardware.number_processors');
    // Not divided: the original reads ohai's macOS memory.total as MB already.
    hardware.total_memory_mb = leadingDigits(at(node, 'automatic.memory.total'));
  } else if (platform === 'windows') {
    hardware.serial_number = mapped(node, m, 'windows', 'serial_number') ?? at(node, 'automatic.kernel.os_info.serial_number');
    hardware.model = at(node, 'automatic.kernel.cs_info.model');
    hardware.cpu_count = at(node, 'automatic.kernel.cs_info.number_of_processors');
    const drives = getPath(node, 'automatic.filesystem');
    const first = drives && typeof drives === 'object' && !Array.isArray(drives) ? Object.values(drives)[0] : undefined;
    hardware.total_hdd_mb = first && typeof first === 'object' ? kbToMb((first as Record<string, unknown>).kb_size) : null;
  } else {
    hardware.serial_number = mapped(node, m, '__default__', 'serial_number') ?? null;
    hardware.model = mapped(node, m, '__default__', 'model') ?? null;
    if (hardware.serial_number === null) opts.warn?.(`no serial_number lookup for node "${String(name)}" (node_mappings "__default__")`);
  }

  // attribute_extension: "__default__" applies to every node, a platform's entry to its nodes, in the setting's order.
  for (const [key, paths] of Object.entries(opts.attributeExtension)) {
    if (key !== '__default__' && (!platform || key !== platform)) continue;
    for (const [field, path] of Object.entries(paths)) hardware[field] = at(node, path);
  }
  return { hardware };
}
