/** [merakism] settings and error texts. */
import { createMerakismSource, EXTRA_FIELDS, merakiErrorText } from '../../../src/sources/merakism/index.js';
import { merakismSettings } from '../../../src/sources/merakism/settings.js';
import { recordingContext, settingsFrom } from '../../helpers/sourceContext.js';

test('the original\'s settings with their defaults, and the new url', () => {
  const s = settingsFrom(merakismSettings, {});
  expect([s.meraki_api_key, s.network_id, s.url]).toEqual(['', '', 'https://api.meraki.com']);
  expect(merakismSettings.meraki_api_key.secret).toBe(true);
  expect(EXTRA_FIELDS).toHaveLength(39);
});

test('an empty key or network id is a config error naming it', () => {
  const ctx = recordingContext('merakism');
  expect(() => createMerakismSource(settingsFrom(merakismSettings, { network_id: 'N_1' }), ctx)).toThrow(/meraki_api_key/);
  expect(() => createMerakismSource(settingsFrom(merakismSettings, { meraki_api_key: 'k-123456' }), ctx)).toThrow(/network_id/);
});

test('Meraki explains itself in errors[]', () => {
  expect(merakiErrorText('{"errors":["Invalid API key","second"]}')).toBe('Invalid API key; second');
  expect(merakiErrorText('<html>')).toBeUndefined();
});
