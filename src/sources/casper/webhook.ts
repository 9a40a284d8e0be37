/**
 * Jamf Pro's webhook capability (`connector serve`): its events and how a body names the device.
 * Webhook bodies are JSON: `{"webhook": {"id", "name", "webhookEvent", "eventTimestamp"}, "event": {...}}`.
 * The device's Jamf id is `event.jssID`; newer Jamf Pro versions nest it for some events
 * (`event.computer.jssID` in ComputerCheckIn and ComputerPolicyFinished). https://developer.jamf.com/jamf-pro/docs/webhooks-1
 */
import { jsonWebhookParser } from '../jsonWebhook.js';
import type { WebhookDescriptor } from '../types.js';
import { NOUNS } from './mappings.js';
import type { casperSettings, SyncType } from './settings.js';

/** The events the original's server handled, and which kind of device each one names. */
export const DEVICE_EVENTS: Readonly<Record<string, SyncType>> = {
  ComputerAdded: 'computers',
  ComputerCheckIn: 'computers',
  ComputerInventoryCompleted: 'computers',
  ComputerPolicyFinished: 'computers',
  ComputerPushCapabilityChanged: 'computers',
  MobileDeviceCheckIn: 'mobiledevices',
  MobileDeviceCommandCompleted: 'mobiledevices',
  MobileDeviceEnrolled: 'mobiledevices',
  MobileDevicePushSent: 'mobiledevices',
  MobileDeviceUnEnrolled: 'mobiledevices',
};

/** The original server's shape of a parsed body (kept for its tests): `device` with Jamf's sync type. */
export type ParsedWebhook =
  | { kind: 'device'; event: string; deviceType: SyncType; id: number }
  | { kind: 'unsupported'; event: string }
  | { kind: 'invalid'; reason: string };

const parse = jsonWebhookParser({
  sender: 'Jamf Pro', eventAt: 'webhook.webhookEvent', recordAt: 'event', idAt: ['jssID', 'computer.jssID', 'mobileDevice.jssID'],
  events: DEVICE_EVENTS, ids: 'positive-integer', notJsonHint: "set the Jamf webhook's content type to JSON",
});

/** Parses a request body; never throws. */
export function parseWebhook(body: string): ParsedWebhook {
  const parsed = parse(body);
  return parsed.kind === 'record' ? { kind: 'device', event: parsed.event, deviceType: parsed.recordKind as SyncType, id: parsed.id as number } : parsed;
}


/** What the webhook server needs of Jamf: one webhook per event, pointed at the section whose sync_type matches. */
export const casperWebhook: WebhookDescriptor<typeof casperSettings> = {
  sender: 'Jamf Pro',
  events: DEVICE_EVENTS,
  nouns: NOUNS,
  parse,
  recordKind: (settings) => settings.sync_type,
  sectionFor: (kind) => `a section with sync_type = ${kind}`,
  auth: ({ webhook_token, webhook_username, webhook_password, allowed_ips }) => ({ webhook_token, webhook_username, webhook_password, allowed_ips }),
};
