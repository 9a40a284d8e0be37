/**
 * Settings of `[sccm]`. `server`, `database`, `username`, `password`, `authentication` and `driver` come
 * from the original's README ("SCCM Configuration") so existing configs load unchanged; `port`, `encrypt`,
 * `trust_server_certificate` and `query_timeout` are new.
 */
import { setting } from '../../config/settings.js';
import type { SettingsOf } from '../../config/settings.js';

export const sccmSettings = {
  server: setting.string({
    required: true,
    example: 'server.example.com',
    description: 'SQL Server holding the SCCM site database: host, host,port or host\\instance.',
  }),
  database: setting.string({ default: 'CM_DCT', description: 'Name of the SCCM site database (CM_<site code>).' }),
  username: setting.string({
    example: 'change-me',
    description: 'SQL login (SQL Server authentication) or DOMAIN\\user (Windows authentication); needs read access to the v_GS_* views.',
  }),
  password: setting.secret({ example: 'change-me', description: 'Password of username.' }),
  authentication: setting.choice(['SQL Server', 'Windows'] as const, {
    default: 'SQL Server',
    description: 'SQL Server (a SQL login) or Windows (NTLM with DOMAIN\\user and password; see README).',
  }),
  driver: setting.string({ description: 'Accepted for compatibility with the original (ODBC driver name); ignored, no driver is needed.' }),
  port: setting.int({ default: 0, min: 0, max: 65535, description: 'TCP port; 0 means the port in server (host,port) or 1433.' }),
  encrypt: setting.bool({ default: true, description: 'Encrypt the connection with TLS. False sends data (not the password hash) in clear text.' }),
  trust_server_certificate: setting.bool({
    description: 'Accept the server certificate without verifying it (also implied by verify_ssl = False).',
  }),
  query_timeout: setting.int({
    default: 300,
    min: 1,
    max: 86_400,
    description: 'Seconds to wait for the first rows of a query before giving up.',
  }),
  connect_timeout: setting.int({ default: 30, min: 1, max: 3600, description: 'Seconds to wait for the login to complete.' }),
};

export type SccmSettings = SettingsOf<typeof sccmSettings>;
