import { jsonWebhookParser } from '../../src/sources/jsonWebhook.js';

const parse = jsonWebhookParser({
  sender: 'Acme MDM', eventAt: 'type', recordAt: 'data', idAt: ['device.id', 'id'], events: { 'device.updated': 'devices' },
  ids: 'string', notJsonHint: 'send JSON',
});

test.each([
  ['nested id', { type: 'device.updated', data: { device: { id: 'ab-12' } } }, { kind: 'record', event: 'device.updated', recordKind: 'devices', id: 'ab-12' }],
  ['fallback path, numeric id as text', { type: 'device.updated', data: { id: 42 } }, { kind: 'record', event: 'device.updated', recordKind: 'devices', id: '42' }],
  ['other event', { type: 'user.created', data: {} }, { kind: 'unsupported', event: 'user.created' }],
  ['prototype key as event', { type: 'toString', data: {} }, { kind: 'unsupported', event: 'toString' }],
])('%s', (_name, body, expected) => {
  expect(parse(JSON.stringify(body))).toEqual(expected);
});

test.each([
  ['not JSON', 'id=1', 'the body is not JSON'],
  ['no event', JSON.stringify({ data: {} }), 'not a Acme MDM webhook: "type" is missing'],
  ['id with path characters', JSON.stringify({ type: 'device.updated', data: { id: '../admin' } }), '"data.device.id" is missing or not an id'],
])('%s is invalid', (_name, body, reason) => {
  const parsed = parse(body);
  expect(parsed.kind === 'invalid' && parsed.reason).toContain(reason);
});
