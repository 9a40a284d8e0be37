/** Settings of `[servicenow_cmdb]` (no original: names as proposed in reference/sources.md §36). */
import { setting, type SettingsOf } from '../../config/settings.js';
import { serviceNowCredentialSettings, serviceNowPagingSettings } from '../servicenow/settings.js';

const NAME = /^[A-Za-z0-9_]+$/;

export const servicenowCmdbSettings = {
  ...serviceNowCredentialSettings(),
  table: setting.string({
    default: 'cmdb_ci_computer',
    description: 'CMDB table to read: cmdb_ci_computer, or a class of it (cmdb_ci_pc_hardware, cmdb_ci_server, ...).',
    check: (value) => {
      if (!NAME.test(value.trim())) throw new Error(`"${value}" is not a table name such as cmdb_ci_computer`);
    },
  }),
  query: setting.string({ description: 'Encoded query that selects the CIs (sysparm_query), e.g. install_status!=7 to leave retired CIs out; empty: every CI.' }),
  fields: setting.list({ description: 'Fields to read (sysparm_fields), comma-separated; empty: every field of the table. sys_id is always read.' }),
  software: setting.bool({ default: true, description: 'Also read the software installed on each CI (cmdb_software_instance; one more request per CI), as software (mapped to APPLICATIONS).' }),
  ...serviceNowPagingSettings,
};

export type ServicenowCmdbSettings = SettingsOf<typeof servicenowCmdbSettings>;
