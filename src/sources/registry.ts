/**
 * Every source, by INI section type: one line per source (sorted), each a loader of the one module that source is.
 * A run loads only the sources its sections use (an LDAP sync never loads Jamf, SCCM's mssql or the Google kit);
 * generate-ini, serve's capability lookup and error messages that list every type load them all (loadAllSources).
 * Adding a source = one line here.
 */
import type { SourcePlugin } from './types.js';

type Loader = () => Promise<SourcePlugin<any>>;

export const sourceLoaders: Readonly<Record<string, Loader>> = {
  abm: () => import('./abm/index.js').then((m) => m.abm),
  airwatch: () => import('./airwatch/index.js').then((m) => m.airwatch),
  android_enterprise: () => import('./android_enterprise/index.js').then((m) => m.androidEnterprise),
  awx: () => import('./awx/index.js').then((m) => m.awx),
  azureusers: () => import('./azureusers/index.js').then((m) => m.azureusers),
  bamboohr: () => import('./bamboohr/index.js').then((m) => m.bamboohr),
  casper: () => import('./casper/index.js').then((m) => m.casper),
  chef: () => import('./chef/index.js').then((m) => m.chef),
  chromebooks: () => import('./chromebooks/index.js').then((m) => m.chromebooks),
  csv_assets: () => import('./csv/index.js').then((m) => m.csvAssets),
  csv_users: () => import('./csv/index.js').then((m) => m.csvUsers),
  dell_asset_order_status: () => import('./dell_asset_order_status/index.js').then((m) => m.dellAssetOrderStatus),
  dnac_network_devices: () => import('./dnac_network_devices/index.js').then((m) => m.dnacNetworkDevices),
  entra_devices: () => import('./entra_devices/index.js').then((m) => m.entraDevices),
  entra_groups: () => import('./entra_groups/index.js').then((m) => m.entraGroups),
  fortimanager: () => import('./fortimanager/index.js').then((m) => m.fortimanager),
  google_mobile_devices: () => import('./google_mobile_devices/index.js').then((m) => m.googleMobileDevices),
  insight: () => import('./insight/index.js').then((m) => m.insight),
  intune_devices: () => import('./intune_devices/index.js').then((m) => m.intuneDevices),
  jasper: () => import('./jasper/index.js').then((m) => m.jasper),
  json_assets: () => import('./json/index.js').then((m) => m.jsonAssets),
  json_users: () => import('./json/index.js').then((m) => m.jsonUsers),
  kace: () => import('./kace/index.js').then((m) => m.kace),
  landscape: () => import('./landscape/index.js').then((m) => m.landscape),
  ldap: () => import('./ldap/index.js').then((m) => m.ldap),
  ldap_assets: () => import('./ldap/index.js').then((m) => m.ldapAssets),
  meraki_network_devices: () => import('./meraki_network_devices/index.js').then((m) => m.merakiNetworkDevices),
  merakism: () => import('./merakism/index.js').then((m) => m.merakism),
  mobileiron: () => import('./mobileiron/index.js').then((m) => m.mobileiron),
  munki_report: () => import('./munki_report/index.js').then((m) => m.munkiReport),
  netbox: () => import('./netbox/index.js').then((m) => m.netbox),
  okta: () => import('./okta/index.js').then((m) => m.okta),
  onelogin: () => import('./onelogin/index.js').then((m) => m.onelogin),
  open_audit: () => import('./open_audit/index.js').then((m) => m.openAudit),
  sccm: () => import('./sccm/index.js').then((m) => m.sccm),
  servicenow: () => import('./servicenow/index.js').then((m) => m.servicenow),
  servicenow_cmdb: () => import('./servicenow_cmdb/index.js').then((m) => m.servicenowCmdb),
  simplemdm: () => import('./simplemdm/index.js').then((m) => m.simplemdm),
  tanium: () => import('./tanium/index.js').then((m) => m.tanium),
  vcenter: () => import('./vcenter/index.js').then((m) => m.vcenter),
  workday: () => import('./workday/index.js').then((m) => m.workday),
  workspaceone_devicesoftware: () => import('./workspaceone_devicesoftware/index.js').then((m) => m.workspaceoneDevicesoftware),
  zendesk: () => import('./zendesk/index.js').then((m) => m.zendesk),
};

/** The section types this build knows, sorted; no source is loaded. */
export const sourceTypes: readonly string[] = Object.keys(sourceLoaders).sort();

export function hasSource(type: string): boolean {
  return Object.prototype.hasOwnProperty.call(sourceLoaders, type);
}

/** The plugin of a section type (its module loaded on first use), or undefined when the type is unknown. */
export async function findSource(type: string): Promise<SourcePlugin<any> | undefined> {
  return hasSource(type) ? sourceLoaders[type]() : undefined;
}

/** Every plugin, by section type, in sorted order (loads every source: only for what needs all of them). */
export async function loadAllSources(): Promise<Map<string, SourcePlugin<any>>> {
  // One after the other: loading is CPU-bound anyway, and jest's ESM loader fails on concurrent imports of shared
  // modules ("request for ... is not in cache").
  const plugins = new Map<string, SourcePlugin<any>>();
  for (const type of sourceTypes) plugins.set(type, await sourceLoaders[type]());
  return plugins;
}
