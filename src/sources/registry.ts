/**
 * Every source, by INI section type. Adding a source = one import and one line here (sorted).
 * generate-ini, `connector test` and config validation all read this map.
 */
import { abm } from './abm/index.js';
import { airwatch } from './airwatch/index.js';
import { androidEnterprise } from './android_enterprise/index.js';
import { awx } from './awx/index.js';
import { azureusers } from './azureusers/index.js';
import { bamboohr } from './bamboohr/index.js';
import { casper } from './casper/index.js';
import { chef } from './chef/index.js';
import { chromebooks } from './chromebooks/index.js';
import { csvAssets, csvUsers } from './csv/index.js';
import { dellAssetOrderStatus } from './dell_asset_order_status/index.js';
import { dnacNetworkDevices } from './dnac_network_devices/index.js';
import { entraDevices } from './entra_devices/index.js';
import { entraGroups } from './entra_groups/index.js';
import { fortimanager } from './fortimanager/index.js';
import { googleMobileDevices } from './google_mobile_devices/index.js';
import { insight } from './insight/index.js';
import { intuneDevices } from './intune_devices/index.js';
import { jasper } from './jasper/index.js';
import { jsonAssets, jsonUsers } from './json/index.js';
import { kace } from './kace/index.js';
import { landscape } from './landscape/index.js';
import { ldap, ldapAssets } from './ldap/index.js';
import { merakiNetworkDevices } from './meraki_network_devices/index.js';
import { merakism } from './merakism/index.js';
import { mobileiron } from './mobileiron/index.js';
import { munkiReport } from './munki_report/index.js';
import { netbox } from './netbox/index.js';
import { okta } from './okta/index.js';
import { onelogin } from './onelogin/index.js';
import { openAudit } from './open_audit/index.js';
import { sccm } from './sccm/index.js';
import { servicenow } from './servicenow/index.js';
import { servicenowCmdb } from './servicenow_cmdb/index.js';
import { simplemdm } from './simplemdm/index.js';
import { tanium } from './tanium/index.js';
import type { SourcePlugin } from './types.js';
import { vcenter } from './vcenter/index.js';
import { workday } from './workday/index.js';
import { workspaceoneDevicesoftware } from './workspaceone_devicesoftware/index.js';
import { zendesk } from './zendesk/index.js';

export const sources: Record<string, SourcePlugin<any>> = {
  abm,
  airwatch,
  android_enterprise: androidEnterprise,
  awx,
  azureusers,
  bamboohr,
  casper,
  chef,
  chromebooks,
  csv_assets: csvAssets,
  csv_users: csvUsers,
  dell_asset_order_status: dellAssetOrderStatus,
  dnac_network_devices: dnacNetworkDevices,
  entra_devices: entraDevices,
  entra_groups: entraGroups,
  fortimanager,
  google_mobile_devices: googleMobileDevices,
  insight,
  intune_devices: intuneDevices,
  jasper,
  json_assets: jsonAssets,
  json_users: jsonUsers,
  kace,
  landscape,
  ldap,
  ldap_assets: ldapAssets,
  meraki_network_devices: merakiNetworkDevices,
  merakism,
  mobileiron,
  munki_report: munkiReport,
  netbox,
  okta,
  onelogin,
  open_audit: openAudit,
  sccm,
  servicenow,
  servicenow_cmdb: servicenowCmdb,
  simplemdm,
  tanium,
  vcenter,
  workday,
  workspaceone_devicesoftware: workspaceoneDevicesoftware,
  zendesk,
};

export function findSource(type: string): SourcePlugin<any> | undefined {
  return Object.prototype.hasOwnProperty.call(sources, type) ? sources[type] : undefined;
}
