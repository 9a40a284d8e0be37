/** Reading the device id and event out of Jamf Pro webhook bodies. */
import { DEVICE_EVENTS, parseWebhook } from '../../../src/sources/casper/webhook.js';

const body = (event: string, payload: unknown) => JSON.stringify({ webhook: { id: 1, name: 'x', webhookEvent: event }, event: payload });

test('the ten device events of the original, and which kind of device each names', () => {
  expect(Object.entries(DEVICE_EVENTS).filter(([, t]) => t === 'computers').map(([e]) => e)).toHaveLength(5);
  expect(Object.entries(DEVICE_EVENTS).filter(([, t]) => t === 'mobiledevices').map(([e]) => e)).toHaveLength(5);
});

test.each([
  ['top-level jssID', body('ComputerAdded', { jssID: 52 }), { kind: 'device', event: 'ComputerAdded', deviceType: 'computers', id: 52 }],
  ['nested computer.jssID', body('ComputerCheckIn', { computer: { jssID: 7 }, trigger: 'CLIENT_CHECKIN' }), { kind: 'device', event: 'ComputerCheckIn', deviceType: 'computers', id: 7 }],
  ['numeric string id', body('MobileDeviceEnrolled', { jssID: '12' }), { kind: 'device', event: 'MobileDeviceEnrolled', deviceType: 'mobiledevices', id: 12 }],
  ['unknown event', body('JSSShutdown', {}), { kind: 'unsupported', event: 'JSSShutdown' }],
  ['prototype key as event', body('constructor', { jssID: 1 }), { kind: 'unsupported', event: 'constructor' }],
])('%s', (_name, text, expected) => {
  expect(parseWebhook(text)).toEqual(expected);
});

test.each([
  ['not JSON', '<JSSEvent/>', /not JSON/],
  ['an array', '[1]', /webhookEvent/],
  ['no event object', JSON.stringify({ webhook: { webhookEvent: 'ComputerAdded' } }), /"event" is missing/],
  ['zero id', body('ComputerAdded', { jssID: 0 }), /jssID/],
  ['fractional id', body('ComputerAdded', { jssID: 1.5 }), /jssID/],
  ['id with path characters', body('ComputerAdded', { jssID: '1/../2' }), /jssID/],
])('%s is invalid', (_name, text, reason) => {
  const parsed = parseWebhook(text);
  expect(parsed.kind).toBe('invalid');
  expect(parsed.kind === 'invalid' && parsed.reason).toMatch(reason);
});
