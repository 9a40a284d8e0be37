/** Settings of `[insight]`, named and defaulted as in the original (connectors/insight.py, 2026.08.1). */
import { setting, type Setting, type SettingsOf } from '../../config/settings.js';
import { baseUrlSetting, concurrencySettings, rateLimitSettings } from '../../http/index.js';

/** A calendar date as the Insight API takes it; checked when the config loads, not when the first window is sent. */
export function parseIsoDate(raw: string): string {
  const v = raw.trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!date || date.toISOString().slice(0, 10) !== v) throw new Error(`"${raw}" is not a date written YYYY-MM-DD`);
  return v;
}

const date = (description: string): Setting<string> => ({ ...setting.string({ description: `${description} Written YYYY-MM-DD.` }), parse: parseIsoDate });

export const insightSettings = {
  ...baseUrlSetting({
    example: 'https://insight-prod.apigee.net',
    description: 'Base URL of the Insight order status API, as Insight gave it to you (tokens from {url}/oauth/token, orders from {url}/{region}/GetStatus).',
  }),
  region: setting.string({ default: 'NA', description: 'Insight region path segment: NA, EMEA or APAC.' }),
  client_id: setting.string({ required: true, description: 'Your Insight client (customer) ID, sent as ClientID in every status request.' }),
  client_key: setting.string({ required: true, description: 'OAuth client key (consumer key) of the API app.' }),
  client_secret: setting.secret({ required: true, description: 'OAuth client secret of the API app.' }),
  order_creation_date_from: date('First order creation date to read; empty: look_back_period days before today.'),
  order_creation_date_to: date('Last order creation date to read; empty: today (the day the run starts).'),
  look_back_period: setting.int({ default: 20, min: 1, max: 3650, description: 'Days before today to read when order_creation_date_from is empty.' }),
  tracking_data: setting.string({ default: 'X', description: 'TrackingData flag of the status request (X = include tracking).' }),
  ...concurrencySettings,
  ...rateLimitSettings,
};

export type InsightSettings = SettingsOf<typeof insightSettings>;
