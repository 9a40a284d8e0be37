/**
 * Per-section settings of the webhook server. They live on the `[casper]` section that a webhook URL names, so
 * `[casper]` and `[casper.MDM]` can each have their own token. Jamf Pro can authenticate its webhook requests with
 * Basic auth or a custom header ("Authentication Type" of a webhook), which these settings check:
 * https://learn.jamf.com/en-US/bundle/jamf-pro-documentation-current/page/Webhooks.html
 */
import { setting } from '../config/settings.js';

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
