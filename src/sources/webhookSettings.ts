/**
 * Settings of a section that receives webhooks (`connector serve`): who may send them. A source whose plugin
 * declares a `webhook` descriptor spreads these into its schema, so each section (`[casper]`, `[casper.MDM]`) has
 * its own token. Jamf Pro, the one such source today, can authenticate its webhook requests with Basic auth or a
 * custom header ("Authentication Type" of a webhook), which these settings check:
 * https://learn.jamf.com/en-US/bundle/jamf-pro-documentation-current/page/Webhooks.html
 * A leaf beside types.ts: sources declare these settings and the webhook server reads them; neither imports the other.
 */
import { setting, type SettingsOf } from '../config/settings.js';

export const webhookSettings = {
  webhook_token: setting.secret({
    description: 'Webhook server: shared secret a request must carry (header "Authorization: Bearer <token>" or ' +
      '"X-Webhook-Token: <token>", or "?token=<token>"). Empty: no token is required.',
  }),
  webhook_username: setting.string({
    description: 'Webhook server: user name of the HTTP Basic authentication set on the Jamf Pro webhook. Empty: no Basic auth.',
  }),
  webhook_password: setting.secret({ description: 'Webhook server: password of that HTTP Basic authentication.' }),
  allowed_ips: setting.list({
    description: 'Webhook server: comma-separated addresses or CIDR ranges allowed to send webhooks (e.g. 10.0.0.0/8, ::1). Empty: any.',
  }),
};

export type WebhookSettings = SettingsOf<typeof webhookSettings>;
