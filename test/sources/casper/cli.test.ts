/** End to end: the built CLI reads the Jamf test server and pushes to the fake Oomnitza. */
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';
import { startFakeJamf, type FakeJamf } from '../../support/fakeJamf.js';
import { runCli, tempDir } from '../../helpers/runCli.js';


let oom: FakeOomnitza;
let jamf: FakeJamf;
beforeEach(async () => {
  oom = await startFakeOomnitza();
  jamf = await startFakeJamf({ computers: 6, mobileDevices: 3, computerGroups: { Lab: [1, 2, 3, 4] } });
});
afterEach(async () => {
  await oom.close();
  await jamf.close();
});

function config(group = 'Lab'): string {
  return `[oomnitza]
url = ${oom.url}
api_token = ${oom.token}

[casper]
enable = True
url = ${jamf.url}
client_id = client-abc
client_secret = client-s3cret-value
sync_type = computers
group_name = ${group}
sync_field = SERIAL_NUMBER
mapping.SERIAL_NUMBER = {"source": "general.serial_number", "required": true}
mapping.REPORT_DATE = general.report_date
mapping.MODEL = hardware.model
mapping.COST_CENTER = {"converter": "casper_extension_attribute:attr=Cost Center"}

[casper.MDM]
enable = True
url = ${jamf.url}/
username = auditor
password = Sup3r!secret
sync_type = mobiledevices
sync_field = SERIAL_NUMBER
mapping.SERIAL_NUMBER = general.serial_number
mapping.IMEI = network.imei
mapping.PO_DATE = purchasing.po_date
`;
}

test('computers of a group and mobile devices arrive with exact payloads; one vanished device is named, exit 1', async () => {
  jamf.failDevice('computers', 3, 404);
  const dir = tempDir({ 'config.ini': config() });
  const res = await runCli(['upload', 'casper', 'casper.MDM', '--ini', 'config.ini', '--workers', '3'], { cwd: dir });
  expect(res.code).toBe(1);
  const computers = oom.records('Casper').sort((a, b) => String(a.SERIAL_NUMBER).localeCompare(String(b.SERIAL_NUMBER)));
  expect(computers).toEqual([1, 2, 4].map((id) => {
    const c = jamf.computer(id) as { general: { serial_number: string; report_date_epoch: number }; hardware: { model: string }; software: { applications: unknown[] } };
    return {
      SERIAL_NUMBER: c.general.serial_number,
      REPORT_DATE: c.general.report_date_epoch / 1000,
      MODEL: c.hardware.model,
      COST_CENTER: `CC-${id % 7}`,
      APPLICATIONS: c.software.applications,
    };
  }).sort((a, b) => a.SERIAL_NUMBER.localeCompare(b.SERIAL_NUMBER)));
  // Field order follows the mappings; the default APPLICATIONS mapping comes first.
  expect(Object.keys(computers[0]).sort()).toEqual(['APPLICATIONS', 'COST_CENTER', 'MODEL', 'REPORT_DATE', 'SERIAL_NUMBER']);
  const mobiles = oom.records('Casper.MDM');
  expect(mobiles).toHaveLength(3);
  expect(mobiles.find((r) => r.SERIAL_NUMBER === 'F17X000002')).toEqual({
    SERIAL_NUMBER: 'F17X000002',
    IMEI: '352',
    PO_DATE: ((jamf.mobileDevice(2).purchasing as { po_date_epoch: number }).po_date_epoch) / 1000,
  });
  expect(res.stderr).toMatch(/computer 3.*no computer with id 3/);
  expect(res.stderr).toMatch(/\[casper\] pulled 3, .*failed 1/);
  expect(res.stderr + res.stdout).not.toContain('Sup3r!secret');
  expect(res.stderr + res.stdout).not.toContain('client-s3cret-value');
});

test('connector test casper authenticates and reads one device', async () => {
  const dir = tempDir({ 'config.ini': config() });
  const res = await runCli(['test', 'casper', 'casper.MDM', '--ini', 'config.ini'], { cwd: dir });
  expect(res.stdout).toContain(`OK     [casper] authenticated to ${jamf.url} as API client "client-abc"; 4 computer(s) in group "Lab"; read computer id 1 "mac-1"`);
  expect(res.stdout).toContain('OK     [casper.MDM] authenticated');
  expect(res.code).toBe(0);
});

test('a missing group stops the section with a message naming group_name', async () => {
  const dir = tempDir({ 'config.ini': config('Nope') });
  const res = await runCli(['upload', 'casper', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).not.toBe(0);
  expect(res.stderr + res.stdout).toContain('group_name: Jamf Pro has no computer group named "Nope"');
  expect(oom.records('Casper')).toEqual([]);
});
