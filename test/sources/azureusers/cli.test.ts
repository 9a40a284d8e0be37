/** End to end: the built CLI reads the Microsoft Graph test server and pushes users to the fake Oomnitza. */
import fs from 'node:fs';
import path from 'node:path';
import { runCli, tempDir } from '../../helpers/runCli.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';
import { COST_CENTER, startFakeMicrosoftGraph, type FakeGraph } from '../../support/fakeMicrosoftGraph.js';
import { makeSelfSignedCert, startTestServer } from '../../support/httpTestServer.js';

let oom: FakeOomnitza;
let graph: FakeGraph;
beforeEach(async () => {
  oom = await startFakeOomnitza();
  graph = await startFakeMicrosoftGraph({ users: 7 });
});
afterEach(async () => {
  await oom.close();
  await graph.close();
});

function section(name: string, g: { url: string; tenantId: string; clientId: string; clientSecret: string }, extra = ''): string {
  return `[${name}]
enable = True
tenant_id = ${g.tenantId}
client_id = ${g.clientId}
secret = ${g.clientSecret}
default_role = 25
default_position = Employee
url = ${g.url}
token_url = ${g.url}
${extra}`;
}

const MAPPINGS = `page_size = 3
sync_field = USER
mapping.USER = user_principal_name
mapping.EMAIL = mail
mapping.FIRST_NAME = given_name
mapping.LAST_NAME = surname
mapping.PHONE = additional_properties.mobile
mapping.JOB_TITLE = additional_properties.jobTitle
mapping.COST_CENTER = additional_properties.${COST_CENTER}
`;

function config(...sections: string[]): string {
  return `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n${sections.join('\n\n')}\n`;
}

/** What the original's mappings give for Graph user i: the snake_case fields and the old additional_properties names. */
function expected(i: number) {
  const u = graph.user(i);
  return {
    USER: u.userPrincipalName, EMAIL: u.mail, FIRST_NAME: u.givenName, LAST_NAME: u.surname, PHONE: u.mobilePhone,
    JOB_TITLE: u.jobTitle, COST_CENTER: u[COST_CENTER] ?? null, PERMISSIONS_ID: '25', POSITION: 'Employee',
  };
}

async function upload(ini: string, ...sections: string[]) {
  const dir = tempDir({ 'config.ini': ini });
  return runCli(['upload', ...(sections.length ? sections : ['azureusers']), '--ini', 'config.ini'], { cwd: dir });
}

test('three pages, a 429 with Retry-After and a token expiry mid-run: every user once, exact payloads', async () => {
  graph.throttle(1, { retryAfterSec: 1, afterPages: 1 });
  graph.expireTokensAfterPages(2);
  const res = await upload(config(section('azureusers', graph, MAPPINGS)));
  expect(res.stderr).toMatch(/rate limited \(HTTP 429\); waiting 1 s as the server asks/);
  // token_url is named like a credential but is an address: logs still show it.
  expect(res.stderr).toContain(`reading users of tenant "${graph.tenantId}" from ${graph.url} (3 per page)`);
  expect(res.code).toBe(0);
  expect(oom.records('Azureusers')).toEqual([1, 2, 3, 4, 5, 6, 7].map(expected));
  for (const bulk of oom.bulkRequests) expect(bulk).toMatchObject({ data_type: 'users', connector_name: 'Azureusers', sync_field: ['USER'] });
  // Page 2 was throttled once; page 3 met the expired token, which was renewed.
  expect(graph.pages.map((p) => p.status)).toEqual([200, 429, 200, 401, 200]);
  expect(graph.tokensIssued).toBe(2);
  expect(res.stderr + res.stdout).not.toContain(graph.clientSecret);
});

test('a 429 without Retry-After is retried with backoff and nothing is lost', async () => {
  graph.throttle(2, { afterPages: 1 });
  const res = await upload(config(section('azureusers', graph, MAPPINGS)));
  expect(res.code).toBe(0);
  expect(oom.records('Azureusers').map((r) => r.USER)).toEqual([1, 2, 3, 4, 5, 6, 7].map((i) => graph.user(i).userPrincipalName));
  expect(graph.pages.map((p) => p.status)).toEqual([200, 429, 429, 200, 200]);
});

test('a wrong secret stops the section with exit 1, naming the setting and never the secret', async () => {
  const res = await upload(config(section('azureusers', { ...graph, clientSecret: 'Wr0ng~secret.value' }, MAPPINGS)));
  expect(res.code).toBe(1);
  expect(res.stderr).toContain('[azureusers] secret: Microsoft Entra ID refused the sign-in: the client secret is wrong');
  expect(res.stderr).toContain('AADSTS7000215');
  expect(res.stderr + res.stdout).not.toContain('Wr0ng~secret.value');
  expect(oom.records()).toEqual([]);
});

test('connector test: a distinct message per failure kind', async () => {
  const dir = tempDir();
  const tls = await startFakeMicrosoftGraph({ tls: makeSelfSignedCert(path.join(dir, 'certs')) });
  const noPermission = await startFakeMicrosoftGraph({ permissions: [] });
  const empty = await startFakeMicrosoftGraph({ users: [] });
  const closed = await startTestServer(() => ({}));
  await closed.close();
  try {
    fs.writeFileSync(path.join(dir, 'config.ini'), config(
      section('azureusers', graph),
      section('azureusers.secret', { ...graph, clientSecret: 'not-the-secret' }),
      section('azureusers.client', { ...graph, clientId: '0b0b0b0b-1111-2222-3333-444444444444' }),
      section('azureusers.tenant', { ...graph, tenantId: 'fabrikam.onmicrosoft.com' }),
      section('azureusers.permission', noPermission),
      section('azureusers.empty', empty),
      section('azureusers.tls', tls),
      section('azureusers.down', { ...graph, url: closed.url }),
    ));
    const names = ['azureusers', 'azureusers.secret', 'azureusers.client', 'azureusers.tenant', 'azureusers.permission', 'azureusers.empty', 'azureusers.tls', 'azureusers.down'];
    const res = await runCli(['test', ...names, '--ini', 'config.ini'], { cwd: dir });
    const line = (name: string) => res.stdout.split('\n').find((l) => l.includes(`[${name}] `)) ?? '';
    expect(line('azureusers')).toBe(`OK     [azureusers] authenticated to tenant "${graph.tenantId}" as application "${graph.clientId}"; read user "${String(graph.user(1).userPrincipalName)}"`);
    expect(line('azureusers.secret')).toMatch(/^FAILED \[azureusers\.secret\] secret: Microsoft Entra ID refused the sign-in: the client secret is wrong/);
    expect(line('azureusers.client')).toMatch(/^FAILED .* client_id: Microsoft Entra ID refused the sign-in: tenant ".*" has no application "0b0b0b0b-1111-2222-3333-444444444444"/);
    expect(line('azureusers.tenant')).toMatch(/^FAILED .* tenant_id: Microsoft Entra ID refused the sign-in: tenant "fabrikam.onmicrosoft.com" was not found/);
    expect(line('azureusers.permission')).toMatch(/^FAILED .*may not read users \(HTTP 403, Authorization_RequestDenied: .*User\.Read\.All/);
    expect(line('azureusers.empty')).toMatch(/^OK .*the directory has no users the application can see$/);
    expect(line('azureusers.tls')).toMatch(/^FAILED .*TLS: the server's certificate is self-signed \(check verify_ssl, cacert_file and ssl_protocol\)/);
    expect(line('azureusers.down')).toMatch(/^FAILED .*connection refused/);
    expect(res.code).toBe(1);
    expect(res.stdout + res.stderr).not.toContain(graph.clientSecret);
    expect(res.stdout + res.stderr).not.toContain('not-the-secret');
  } finally {
    await Promise.all([tls.close(), noPermission.close(), empty.close()]);
  }
});
