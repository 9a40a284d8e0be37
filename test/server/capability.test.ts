/** The webhook capability as the server sees it: found through the composition root, used only through its descriptor. */
import { sourceTypesWhere } from '../../src/config/loadConfig.js';
import type { WebhookDescriptor } from '../../src/sources/types.js';
import { webhook } from './harness.js';

const served = await sourceTypesWhere((plugin) => plugin.webhook !== undefined);
const jamf = served.get('casper')?.webhook as WebhookDescriptor;

test('Jamf Pro is the one source that declares webhooks', () => {
  expect([...served.keys()]).toEqual(['casper']);
  expect(jamf.sender).toBe('Jamf Pro');
});

test('the descriptor reads the record id and kind out of a body, and passes the rest through', () => {
  expect(jamf.parse(webhook('ComputerCheckIn', 7, { nested: true }))).toEqual({ kind: 'record', event: 'ComputerCheckIn', recordKind: 'computers', id: 7 });
  expect(jamf.parse(webhook('MobileDeviceEnrolled', '12'))).toEqual({ kind: 'record', event: 'MobileDeviceEnrolled', recordKind: 'mobiledevices', id: 12 });
  expect(jamf.parse(JSON.stringify({ webhook: { webhookEvent: 'JSSShutdown' }, event: {} }))).toEqual({ kind: 'unsupported', event: 'JSSShutdown' });
  expect(jamf.parse('nope')).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/not JSON/) });
});

test('every event names a kind a section can sync, with a noun for the logs', () => {
  const kinds = new Set(Object.values(jamf.events));
  expect([...kinds].sort()).toEqual(['computers', 'mobiledevices']);
  for (const kind of kinds) {
    expect(jamf.recordKind({ sync_type: kind } as never)).toBe(kind);
    expect(jamf.nouns[kind]).toEqual(expect.any(String));
    expect(jamf.sectionFor(kind)).toContain(`sync_type = ${kind}`);
  }
});

test('auth() hands the server the webhook settings only, never the source credentials', () => {
  const settings = {
    url: 'https://jss.example.com', client_id: 'id', client_secret: 'source-secret', username: '', password: '', sync_type: 'computers', group_name: '',
    webhook_token: 't0ken', webhook_username: 'jamf', webhook_password: 'pw', allowed_ips: ['10.0.0.0/8'],
  };
  expect(jamf.auth(settings as never)).toEqual({ webhook_token: 't0ken', webhook_username: 'jamf', webhook_password: 'pw', allowed_ips: ['10.0.0.0/8'] });
});
