/**
 * Jamf Pro's webhook capability (`connector serve`): its events and how a body names the device.
 * Webhook bodies are JSON: `{"webhook": {"id", "name", "webhookEvent", "eventTimestamp"}, "event": {...}}`.
 * The device's Jamf id is `event.jssID`; newer Jamf Pro versions nest it for some events
 * (`event.computer.jssID` in ComputerCheckIn and ComputerPolicyFinished). https://developer.jamf.com/jamf-pro/docs/webhooks-1
 */
import type { WebhookDescriptor } from '../types.js';
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

export type ParsedWebhook =
  | { kind: 'device'; event: string; deviceType: SyncType; id: number }
  | { kind: 'unsupported'; event: string }
  | { kind: 'invalid'; reason: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A Jamf id is a positive integer; Jamf sends a number, but a numeric string is accepted too. */
function jamfId(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

function deviceIdOf(event: Record<string, unknown>): number | undefined {
  for (const nested of [event, event.computer, event.mobileDevice]) {
    if (!isObject(nested)) continue;
    const id = jamfId(nested.jssID);
    if (id !== undefined) return id;
  }
  return undefined;
}

/** Parses a request body; never throws. */
export function parseWebhook(body: string): ParsedWebhook {
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch (err) {
    return { kind: 'invalid', reason: `the body is not JSON (${(err as Error).message}); set the Jamf webhook's content type to JSON` };
  }
  if (!isObject(payload) || !isObject(payload.webhook) || typeof payload.webhook.webhookEvent !== 'string') {
    return { kind: 'invalid', reason: 'not a Jamf Pro webhook: "webhook.webhookEvent" is missing' };
  }
  const event = payload.webhook.webhookEvent;
  const deviceType = Object.hasOwn(DEVICE_EVENTS, event) ? DEVICE_EVENTS[event] : undefined;
  if (!deviceType) return { kind: 'unsupported', event };
  if (!isObject(payload.event)) return { kind: 'invalid', reason: `${event}: "event" is missing` };
  const id = deviceIdOf(payload.event);
  if (id === undefined) return { kind: 'invalid', reason: `${event}: "event.jssID" is missing or not a positive whole number` };
  return { kind: 'device', event, deviceType, id };
}

const NOUNS: Readonly<Record<SyncType, string>> = { computers: 'computer', mobiledevices: 'mobile device' };

/** What the webhook server needs of Jamf: one webhook per event, pointed at the section whose sync_type matches. */
export const casperWebhook: WebhookDescriptor<typeof casperSettings> = {
  sender: 'Jamf Pro',
  events: DEVICE_EVENTS,
  nouns: NOUNS,
  parse(body) {
    const parsed = parseWebhook(body);
    return parsed.kind === 'device' ? { kind: 'record', event: parsed.event, recordKind: parsed.deviceType, id: parsed.id } : parsed;
  },
  recordKind: (settings) => settings.sync_type,
  sectionFor: (kind) => `a section with sync_type = ${kind}`,
  auth: ({ webhook_token, webhook_username, webhook_password, allowed_ips }) => ({ webhook_token, webhook_username, webhook_password, allowed_ips }),
};
