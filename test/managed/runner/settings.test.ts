/** [managed.N] / [managed_reports.N]: shapes checked at start-up with file:line; the merge with the cloud object (§5.3). */
import { parseIni } from '../../../src/config/iniReader.js';
import type { ConfigError } from '../../../src/errors.js';
import { planRun } from '../../../src/managed/integration.js';
import { readManagedSections } from '../../../src/managed/settings.js';
import { cloudTruthy, strtobool } from '../../../src/managed/values.js';
import { integration, parseSaasAuthorization } from './harness.js';

async function read(text: string) {
  const errors: ConfigError[] = [];
  const warnings: string[] = [];
  const sections = await readManagedSections(parseIni(text, '/etc/c/config.ini'), { parseSaasAuthorization }, new Set(['mine']), errors, warnings);
  return { sections, errors: errors.map((e) => e.message), warnings };
}

test('every invalid shape is an error naming file:line, section and setting', async () => {
  const { errors } = await read([
    '[managed.7]',
    'saas_authorization = {"headers": {}}',
    'oomnitza_authorization = {"token": 1}',
    'local_inputs = {not json',
    'is_custom = sometimes',
    'insert_only = yes',
    'update_only = yes',
    'mapping.USER = {"source": "login", "converter": "nope"}',
    'recordfilter = return (',
    '[managed.]',
  ].join('\n'));
  expect(errors).toEqual([
    '/etc/c/config.ini:2: [managed.7] saas_authorization: SaaS authorization format is invalid',
    '/etc/c/config.ini:3: [managed.7] oomnitza_authorization: Oomnitza authorization format is invalid: expected a token, or an object with a non-empty "token_id"',
    expect.stringMatching(/^\/etc\/c\/config\.ini:4: \[managed\.7\] local_inputs: local_inputs is not valid JSON/),
    '/etc/c/config.ini:5: [managed.7] is_custom: "sometimes" is not a boolean (use True/False, yes/no, on/off or 1/0)',
    '/etc/c/config.ini:7: [managed.7] update_only: insert_only and update_only cannot both be True',
    '/etc/c/config.ini:8: [managed.7] mapping.USER: unknown converter "nope" (define it in [converters] or use a built-in one)',
    expect.stringMatching(/^\/etc\/c\/config\.ini:9: \[managed\.7\] recordfilter: does not compile/),
    '/etc/c/config.ini:10: [managed.]: the section name needs the integration id: [managed.<ID>] (the number in the integration\'s URL)',
  ]);
});

test('valid sections: empty values mean "not set"; {"token_id"} from the INI; unknown settings warn', async () => {
  const { sections, errors, warnings } = await read([
    '[managed.7]',
    'saas_authorization =',
    'oomnitza_authorization = {"token_id": 5}',
    'local_inputs = {"base_url": "https://local"}',
    'test_run = False',
    'colour = blue',
    'mapping.user = {"source": "login", "converter": "mine"}',
    '[managed_reports.8]',
    'oomnitza_authorization = tok-123',
  ].join('\n'));
  expect(errors).toEqual([]);
  expect(warnings).toEqual(['/etc/c/config.ini:6: [managed.7] colour: unknown setting (ignored)']);
  const s = sections.get('managed.7')!;
  expect(s.saasAuthorization).toBeUndefined();
  expect(s.oomnitzaAuthorization).toEqual({ kind: 'token_id', tokenId: 5 });
  expect(s.localInputs).toEqual({ base_url: 'https://local' });
  expect(s.testRun).toBe(false);
  expect(s.iniMappings.USER).toEqual({ source: 'login', converter: 'mine' });
  expect(sections.get('managed_reports.8')!.oomnitzaAuthorization).toEqual({ kind: 'token', token: 'tok-123' });

  // The INI wins over the cloud where it says something; the cloud's session auth stays when the INI line is empty.
  const plan = planRun(integration(7, { test_run: 'True', saas_authorization: { type: 'session', behavior: { url: 'x' } } }), s, { parseSaasAuthorization });
  expect(plan.testRun).toBe(false);
  expect(plan.saasAuthorization).toEqual({ kind: 'session', behavior: { url: 'x' } });
  expect(plan.localInputs).toEqual({ base_url: 'https://local' });
  expect(plan.oomnitzaAuthorization).toEqual({ kind: 'token_id', tokenId: 5 });
});

test('cloud flags: strtobool strings (JSON booleans accepted too), the original\'s truthy set, sync_field split', () => {
  expect(['y', 'YES', 't', 'True', 'on', '1'].map((v) => strtobool(v, 'x'))).toEqual([true, true, true, true, true, true]);
  expect(['n', 'No', 'f', 'FALSE', 'off', '0', false].map((v) => strtobool(v, 'x'))).toEqual([false, false, false, false, false, false, false]);
  expect(() => strtobool(null, 'update_only')).toThrow('update_only must be a true/false string');
  expect(['TRUE', 'Yes', 'y', '1', true, 1].map(cloudTruthy)).toEqual([true, true, true, true, true, true]);
  expect(['on', 'tRUE', 0, null, 'false'].map(cloudTruthy)).toEqual([false, false, false, false, false]);
  expect(planRun(integration(7, { sync_field: ' USER, ,EMAIL ' }), undefined, { parseSaasAuthorization }).syncField).toEqual(['USER', 'EMAIL']);
  expect(() => planRun(integration(7, { insert_only: 'true', update_only: 'true' }), undefined, { parseSaasAuthorization })).toThrow('cannot both be true');
  expect(() => planRun(integration(7, { saas_authorization: undefined }), undefined, { parseSaasAuthorization })).toThrow(/no saas_authorization: set it in \[managed\.7\]/);
  expect(planRun(integration(7, { basic_connector: 'vcenter' }), undefined, { parseSaasAuthorization }).basicConnector).toBe('vcenter');
  expect(planRun(integration(7, { basic_connector: '' }), undefined, { parseSaasAuthorization }).basicConnector).toBeUndefined();
  expect(() => planRun(integration(7, { basic_connector: 5 }), undefined, { parseSaasAuthorization })).toThrow('"basic_connector" must be the name of a built-in connector');
  // The AWS IAM path (single mode) by the raw value's Python truthiness: the text "False" is true, "" and [] are not.
  const single = (value: unknown) => planRun(integration(7, { inputs: { iam_roles: { value } } }), undefined, { parseSaasAuthorization }).singleMode ?? false;
  expect(['arn:x', 'False', 1, ['a'], '', [], null, 0].map(single)).toEqual([true, true, true, true, false, false, false, false]);
});

test('vault_keys: saas_authorization and local_inputs from a secret backend, checked like INI values; a missing one is an error', async () => {
  process.env.CONNECTOR_MANAGED_7_SAAS_AUTHORIZATION = '{"headers": {"X-Api-Key": "from-env"}}';
  process.env.CONNECTOR_MANAGED_7_LOCAL_INPUTS = '{"region": "eu"}';
  try {
    const ok = await read('[managed.7]\nvault_backend = env\nvault_keys = saas_authorization local_inputs\n');
    expect(ok.errors).toEqual([]);
    expect(ok.sections.get('managed.7')!.saasAuthorization).toEqual({ kind: 'static', headers: { 'X-Api-Key': 'from-env' }, params: {} });
    expect(ok.sections.get('managed.7')!.localInputs).toEqual({ region: 'eu' });
    const missing = await read('[managed.8]\nvault_backend = env\nvault_keys = saas_authorization\n');
    expect(missing.errors).toEqual([expect.stringMatching(/^\/etc\/c\/config\.ini:3: \[managed\.8\] saas_authorization: secret "saas_authorization" .* is missing/)]);
  } finally {
    delete process.env.CONNECTOR_MANAGED_7_SAAS_AUTHORIZATION;
    delete process.env.CONNECTOR_MANAGED_7_LOCAL_INPUTS;
  }
});
