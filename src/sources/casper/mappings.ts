/**
 * Default mappings and converters of the Jamf source, and which Classic API subsets a set of mapped fields needs.
 */
import type { FieldMappings } from '../../records.js';
import type { ReadRequest, SourceVariant } from '../types.js';
import type { SyncType } from './settings.js';

/** Variants by sync_type; Oomnitza mapping names as in the original: mobile devices report as a separate mapping. */
export const VARIANTS: Record<SyncType, SourceVariant> = {
  computers: { mappingName: 'Casper', dataType: 'assets' },
  mobiledevices: { mappingName: 'Casper.MDM', dataType: 'assets' },
};

/** A device of each sync type in messages and failure reports. */
export const NOUNS: Readonly<Record<SyncType, string>> = { computers: 'computer', mobiledevices: 'mobile device' };

/** Jamf's date strings ("2024-01-15 09:30:00") become epoch seconds unless a mapping names its own converter. */
export const CASPER_DEFAULT_CONVERTERS: Readonly<Record<string, string>> = {
  'general.report_date': 'date_format',
  'general.last_contact_time': 'date_format',
  'general.initial_entry_date': 'date_format',
  'purchasing.warranty_expires': 'date_format',
  'purchasing.lease_expires': 'date_format',
  'purchasing.po_date': 'date_format',
};

/** Computers send their installed applications as software info; server or INI mappings may override it. */
export function casperDefaultMappings(syncType: SyncType): FieldMappings {
  return syncType === 'computers' ? { APPLICATIONS: { source: 'software.applications' } } : {};
}

/**
 * Top-level keys of a Classic API record -> the subset that returns them
 * (https://developer.jamf.com/jamf-pro/reference/findcomputersbyidsubset, .../findmobiledevicesbyidsubset).
 */
const SUBSETS: Record<SyncType, Readonly<Record<string, string>>> = {
  computers: {
    general: 'General', location: 'Location', purchasing: 'Purchasing', peripherals: 'Peripherals',
    hardware: 'Hardware', certificates: 'Certificates', security: 'Security', software: 'Software',
    extension_attributes: 'ExtensionAttributes', groups_accounts: 'GroupsAccounts', iphones: 'iphones',
    configuration_profiles: 'ConfigurationProfiles',
  },
  mobiledevices: {
    general: 'General', location: 'Location', purchasing: 'Purchasing', applications: 'Applications',
    security: 'Security', network: 'Network', certificates: 'Certificates', configuration_profiles: 'ConfigurationProfiles',
    provisioning_profiles: 'ProvisioningProfiles', mobile_device_groups: 'MobileDeviceGroups',
    extension_attributes: 'ExtensionAttributes',
  },
};

/** What the core asks for, plus the converter names in use when it tells (undefined = unknown). */
export type SubsetRequest = ReadRequest & { converters?: string[] };

/**
 * The subsets to ask for, or undefined for the whole record. The whole record is fetched when any field lies
 * outside the known subsets (a path we cannot attribute must still resolve). ExtensionAttributes is added for
 * the casper_extension_attribute converter, which reads `extension_attributes` whatever its mapping's source;
 * when the core does not say which converters are used, it is always added (it is small).
 */
export function subsetsFor(syncType: SyncType, req: SubsetRequest): string[] | undefined {
  if (req.allFields) return undefined;
  const known = SUBSETS[syncType];
  const wanted = new Set<string>();
  for (const field of req.fields) {
    const top = field.split('.')[0];
    const subset = Object.prototype.hasOwnProperty.call(known, top) ? known[top] : undefined;
    if (!subset) return undefined;
    wanted.add(subset);
  }
  const usesExtensionAttributes = req.converters?.some((c) => c.split(':')[0].trim() === 'casper_extension_attribute') ?? true;
  if (usesExtensionAttributes) wanted.add('ExtensionAttributes');
  // General is tiny and carries the id and name used in reports.
  wanted.add('General');
  const order = Object.values(known);
  return [...wanted].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}
