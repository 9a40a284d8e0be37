/** Settings of `[jasper]`, named and defaulted as in the original (connectors/jasper.py). */
import { setting, type SettingsOf } from '../../config/settings.js';
import { concurrencySettings, rateLimitSettings } from '../../http/index.js';

export const DEFAULT_WSDL = 'http://api.jasperwireless.com/ws/schema/Terminal.wsdl';

export const jasperSettings = {
  wsdl_path: setting.string({
    default: DEFAULT_WSDL,
    description: 'URL (or file path) of the Control Center Terminal WSDL; its service address is where the SOAP requests go.',
  }),
  username: setting.string({ required: true, example: 'username@example.com', description: 'Control Center user of the API (sent in the WS-Security UsernameToken).' }),
  password: setting.secret({ required: true, example: 'change-me', description: 'Password of that user.' }),
  api_token: setting.secret({ required: true, example: 'YOUR Jasper API TOKEN', description: 'API license key (sent as licenseKey in every request).' }),
  storage: setting.string({
    default: 'storage.db',
    description: 'State file holding the time of the last successful sync (terminals modified since then are read); relative to the INI folder.',
  }),
  ...concurrencySettings,
  ...rateLimitSettings,
};

export type JasperSettings = SettingsOf<typeof jasperSettings>;
