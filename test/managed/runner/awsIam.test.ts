/**
 * The AWS IAM path end to end (managed fact sheet §9.1, §14; src/managed/fetch/README.md "AWS IAM path"): the real
 * fetch engine and runner against the fake cloud (O12 signs with the IAM user's key pair it holds) and the fake AWS
 * (IAM, STS and an EC2-style list API that verify every SigV4 signature). Single-mode payloads, the pass per
 * assumed role then the user's own, finalize, and the failure outcomes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as fetchEngine from '../../../src/managed/fetch/index.js';
import type { TemplateEngine } from '../../../src/managed/template/types.js';
import { fakeAwsScope, startFakeAws, type FakeAws, type FakeAwsOptions } from '../../support/fakeAws.js';
import { startFakeManagedCloud, type FakeAwsCredential, type FakeManagedCloud } from '../../support/fakeManagedCloud.js';
import { captureLogs } from '../../http/logCapture.js';
import { harness } from './harness.js';
import { useTemplateEngine } from '../../helpers/templateEngine.js';

let engine: TemplateEngine;
let cloud: FakeManagedCloud;
let aws: FakeAws;
useTemplateEngine((e) => (engine = e));
afterEach(async () => {
  await cloud?.close();
  await aws?.close();
});

const KEY = { accessKeyId: 'AKIAFAKEUSER0000001', secretAccessKey: 'fake/user/secret+key0123456789abcdefABCD' };
const ROLE_A = 'arn:aws:iam::444455556666:role/CrossAccountEC2ReadOnly';
const ROLE_B = 'arn:aws:iam::777788889999:role/CrossAccountEC2ReadOnly';
const instance = (n: number) => ({ instanceId: `i-0${n}`, instanceType: 't3.micro', privateIpAddress: `10.0.0.${n}` });

const POLICIES = {
  // The policy of the original's docstring, in shape: an AssumeRole statement with a list of roles, one without.
  CrossAccountEC2ReadOnly: {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'MultiAccountsEC2', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: [ROLE_A, ROLE_B] },
      { Sid: 'Logs', Effect: 'Allow', Action: ['logs:Get*'], Resource: '*' },
    ],
  },
  AmazonEC2ReadOnlyAccess: { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' } },
};

function awsOptions(extra: Partial<FakeAwsOptions> = {}): FakeAwsOptions {
  return {
    ...KEY,
    policies: POLICIES,
    policyPageSize: 1, // ListUserPolicies answers in two pages (IsTruncated + Marker)
    roles: { [ROLE_A]: [instance(1), instance(2), instance(3)], [ROLE_B]: [] },
    userInstances: [instance(9)],
    ...extra,
  };
}

/** An EC2 DescribeInstances integration: NextToken paging, 2 per page; xmltodict makes one reservation an object. */
function integration(id: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    name: 'AWS EC2',
    type: 'assets',
    update_only: 'False',
    insert_only: 'False',
    sync_field: 'INSTANCE',
    inputs: { iam_roles: { value: 'True' } },
    list_behavior: {
      http_method: 'GET',
      url: `${aws.ec2Url}/`,
      headers: [],
      params: [{ key: 'Action', value: 'DescribeInstances' }, { key: 'Version', value: '2016-11-15' }, { key: 'MaxResults', value: '2' }],
      result: "{% set r = list_response.DescribeInstancesResponse.reservationSet['item'] %}{{ [r] if r is mapping else r }}",
      pagination: {
        break_early: '{{ iteration > 0 and not list_response.DescribeInstancesResponse.nextToken }}',
        add_if: '{{ iteration > 0 }}',
        headers: [],
        params: [{ key: 'NextToken', value: '{{ list_response.DescribeInstancesResponse.nextToken }}' }],
      },
    },
    saas_authorization: { credential_id: 'aws-cred' },
    oomnitza_authorization: { token_id: 5 },
    ...extra,
  };
}

const MAPPINGS = { INSTANCE: { type: 'attribute', value: "instancesSet['item'].instanceId" }, OWNER: { type: 'attribute', value: 'ownerId' } };

async function start(awsExtra: Partial<FakeAwsOptions> = {}, credential: Partial<FakeAwsCredential> = {}, cloudIntegration: Record<string, unknown> = {}) {
  aws = await startFakeAws(awsOptions(awsExtra));
  cloud = await startFakeManagedCloud({
    storedTokens: { '5': 'sync-token-abcdefghij' },
    mappings: { '7': MAPPINGS },
    awsCredentials: { 'aws-cred': { ...KEY, scopeOf: (url) => fakeAwsScope(aws, url), ...credential } },
    polls: [[integration(7, cloudIntegration)]],
  });
}

function run(extra: Record<string, unknown> = {}) {
  return harness(cloud, fetchEngine, engine).run({ aws: { iamUrl: aws.iamUrl, stsUrl: aws.stsUrl, scopeOf: (url) => fakeAwsScope(aws, url) }, ...extra });
}

function envelope(records: unknown[], error: string | null = null): Record<string, unknown> {
  return {
    connector_version: '9.9.9', sync_field: ['INSTANCE'], records, portion: expect.any(String), data_type: 'assets',
    insert_only: false, update_only: false, error, test_run: false, multi_str_input_value: null, connector_id: 7,
  };
}

test('a pass per assumed role, then the user\'s own; one record per upload; finalize; O12 told each IAM/STS call', async () => {
  await start();
  const saveDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-'));
  const logs = captureLogs();
  try {
    const code = await run({ saveData: true, saveDir });
    logs.stop();
    expect(code).toBe(0);
    expect(cloud.uploads).toEqual([
      envelope([{ INSTANCE: 'i-01', OWNER: 444455556666 }]),
      envelope([{ INSTANCE: 'i-02', OWNER: 444455556666 }]),
      envelope([{ INSTANCE: 'i-03', OWNER: 444455556666 }]),
      envelope([{ INSTANCE: 'i-09', OWNER: 111122223333 }]),
    ]);
    const portion = cloud.uploads[0].portion;
    expect(cloud.finalized).toEqual([portion]);
    expect(cloud.readyPortions).toEqual([]);
    // The order of the original: each role assumed just before its pass, the policies read as they are reached.
    expect(aws.lines()).toEqual([
      'GetUser@user', 'ListUserPolicies@user', 'GetUserPolicy@user',
      'AssumeRole@user', `DescribeInstances@${ROLE_A}`, `DescribeInstances@${ROLE_A}`,
      'AssumeRole@user', `DescribeInstances@${ROLE_B}`,
      'ListUserPolicies@user', 'GetUserPolicy@user',
      'DescribeInstances@user',
    ]);
    expect(aws.requests.every((r) => r.error === undefined)).toBe(true);
    // O12 (sync token) signs the IAM/STS calls and the user's own list call; the role passes are signed locally.
    const o12 = cloud.calls('/api/v3/auth/aws-cred/secret', 'POST');
    expect(o12.every((r) => r.token === 'sync-token-abcdefghij')).toBe(true);
    expect(o12.map((r) => r.body)).toEqual([
      { url: aws.iamUrl, http_method: 'GET', params: { Action: 'GetUser', Version: '2010-05-08' }, headers: {}, body: '' },
      { url: aws.iamUrl, http_method: 'GET', params: { Action: 'ListUserPolicies', Version: '2010-05-08', UserName: 'oomnitza-reader' }, headers: {}, body: '' },
      { url: aws.iamUrl, http_method: 'GET', params: { Action: 'GetUserPolicy', Version: '2010-05-08', UserName: 'oomnitza-reader', PolicyName: 'CrossAccountEC2ReadOnly' }, headers: {}, body: '' },
      { url: aws.stsUrl, http_method: 'GET', params: { Action: 'AssumeRole', Version: '2011-06-15', RoleArn: ROLE_A, RoleSessionName: expect.stringMatching(/^[0-9a-f]{32}$/) }, headers: {}, body: '' },
      { url: aws.stsUrl, http_method: 'GET', params: { Action: 'AssumeRole', Version: '2011-06-15', RoleArn: ROLE_B, RoleSessionName: expect.stringMatching(/^[0-9a-f]{32}$/) }, headers: {}, body: '' },
      { url: aws.iamUrl, http_method: 'GET', params: { Action: 'ListUserPolicies', Version: '2010-05-08', UserName: 'oomnitza-reader', Marker: 'marker-1' }, headers: {}, body: '' },
      { url: aws.iamUrl, http_method: 'GET', params: { Action: 'GetUserPolicy', Version: '2010-05-08', UserName: 'oomnitza-reader', PolicyName: 'AmazonEC2ReadOnlyAccess' }, headers: {}, body: '' },
      { url: `${aws.ec2Url}/`, http_method: 'GET', params: { Action: 'DescribeInstances', Version: '2016-11-15', MaxResults: '2' }, headers: {}, body: '' },
    ]);
    // The role passes carry the session token; it and the temporary secret reach neither the cloud nor save-data.
    const rolePass = aws.requests.filter((r) => r.principal === ROLE_A);
    expect(rolePass.map((r) => r.headers['x-amz-security-token'])).toEqual([aws.issued[0].sessionToken, aws.issued[0].sessionToken]);
    const saved = fs.readdirSync(saveDir, { recursive: true }).map(String).filter((f) => f.endsWith('.json')).map((f) => fs.readFileSync(path.join(saveDir, f), 'utf8')).join('\n');
    expect(saved).toContain('i-01');
    for (const secret of aws.issued.flatMap((i) => [i.secretAccessKey, i.sessionToken])) {
      expect(JSON.stringify(cloud.requests)).not.toContain(secret);
      expect(saved).not.toContain(secret);
      expect(logs.lines.map((l) => l.message).join('\n')).not.toContain(secret);
    }
    expect(logs.lines.length).toBeGreaterThan(0);
  } finally {
    logs.stop();
    fs.rmSync(saveDir, { recursive: true, force: true });
  }
});

test('nothing in any account: an empty run; records in a role only: no empty run for the user\'s empty pass', async () => {
  await start({ roles: { [ROLE_A]: [], [ROLE_B]: [] }, userInstances: [] });
  await run();
  expect(cloud.uploads).toEqual([]);
  expect(cloud.finalized).toEqual([]);
  expect(cloud.readyPortions).toEqual([['7', { correlation_id: expect.any(String), is_empty_run: true, multi_str_input_value: null }]]);
  await cloud.close();
  await aws.close();

  await start({ roles: { [ROLE_A]: [instance(1)], [ROLE_B]: [] }, userInstances: [] });
  await run();
  expect(cloud.uploads).toEqual([envelope([{ INSTANCE: 'i-01', OWNER: 444455556666 }])]);
  expect(cloud.finalized).toEqual([cloud.uploads[0].portion]);
  expect(cloud.readyPortions).toEqual([]);
});

test('AssumeRole AccessDenied for the second role, after the first role\'s records: a fatal record, finalize; no further pass', async () => {
  await start({ deniedRoles: [ROLE_B] });
  expect(await run()).toBe(1);
  const fatal = cloud.uploads.at(-1)!;
  expect(cloud.uploads.slice(0, -1)).toEqual([1, 2, 3].map((n) => envelope([{ INSTANCE: `i-0${n}`, OWNER: 444455556666 }])));
  expect(fatal).toEqual({ ...envelope([{}], expect.any(String)), error_type: 'Fatal Error' });
  const error = fatal.error as string;
  expect(error).toMatch(new RegExp(`^Failed to fetch the next block of data\\. The error is: AWS IAM: AssumeRole ${ROLE_B} failed: The Integration User must have appropriate permissions\\. Reason: 403 Client Error: Forbidden for url: ${aws.stsUrl}\\?Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A777788889999%3Arole%2FCrossAccountEC2ReadOnly&RoleSessionName=\\*\\*\\* \\(AWS says: Sender AccessDenied `));
  expect(error).toContain(`AccessDenied User: arn:aws:iam::111122223333:user/oomnitza-reader is not authorized to perform: sts:AssumeRole on resource: ${ROLE_B}`);
  expect(cloud.finalized).toEqual([fatal.portion]);
  expect(aws.lines().filter((l) => l.startsWith('DescribeInstances@user'))).toEqual([]);
});

test('O12 fails: at the first IAM call → a failed portion; for the user\'s list call after the role passes → a fatal record', async () => {
  await start({}, {}, { saas_authorization: { credential_id: 'unknown-cred' } });
  await run();
  expect(cloud.uploads).toEqual([]);
  expect(cloud.finalized).toEqual([]);
  expect(cloud.readyPortions).toEqual([['7', expect.objectContaining({ failed: 1, error_type: 'Fatal Error', error_message: expect.stringMatching(/^Failed to fetch the first block of data\. The error is: AWS IAM: GetUser failed: .*auth\/unknown-cred\/secret failed: HTTP 404: no such credential\. The further/) })]]);
  expect(aws.requests).toEqual([]);
  await cloud.close();
  await aws.close();

  await start({}, { failActions: { DescribeInstances: 400 } });
  await run();
  expect(cloud.uploads).toHaveLength(4);
  expect(cloud.uploads[3]).toEqual({ ...envelope([{}], expect.stringMatching(/^Failed to fetch the next block of data\. The error is: .*400/)), error_type: 'Fatal Error' });
  expect(cloud.finalized).toEqual([cloud.uploads[0].portion]);
});

test('a bad signature from the cloud (a rotated key) and an expired one: IAM refuses GetUser, a failed portion says why', async () => {
  await start({}, { wrongSecret: true });
  await run();
  const [[, failedPortion]] = cloud.readyPortions;
  expect(failedPortion.error_message).toMatch(new RegExp(`^Failed to fetch the first block of data\\. The error is: AWS IAM: GetUser failed: The Integration User must have appropriate permissions\\. Reason: 403 Client Error: Forbidden for url: ${aws.iamUrl}\\?Action=GetUser&Version=2010-05-08 \\(AWS says: .*SignatureDoesNotMatch The request signature we calculated does not match`));
  expect(aws.requests.map((r) => r.error)).toEqual(['SignatureDoesNotMatch']);
  await cloud.close();
  await aws.close();

  await start({}, { now: () => Date.now() - 10 * 60_000 });
  await run();
  expect(cloud.readyPortions[0][1].error_message).toContain('Signature expired: ');
  expect(aws.requests.map((r) => r.error)).toEqual(['SignatureDoesNotMatch']);
});

test('assumed-role credentials that expired, and a local clock off by 10 minutes: the role pass is refused', async () => {
  await start({ sessionSeconds: 0 });
  await run();
  expect(cloud.uploads).toEqual([]);
  expect(cloud.readyPortions[0][1].error_message).toMatch(new RegExp(`^Failed to fetch the first block of data\\. The error is: while signed as the role ${ROLE_A}: 400 Client Error: Bad Request for url: ${aws.ec2Url}/\\?Action=DescribeInstances`));
  expect(aws.requests.at(-1)!.error).toBe('RequestExpired');
  await cloud.close();
  await aws.close();

  await start();
  await run({ aws: { iamUrl: aws.iamUrl, stsUrl: aws.stsUrl, scopeOf: (url: URL) => fakeAwsScope(aws, url), now: () => Date.now() - 10 * 60_000 } });
  expect(aws.requests.at(-1)).toEqual(expect.objectContaining({ action: 'DescribeInstances', error: 'RequestExpired' }));
  expect(cloud.readyPortions[0][1]).toEqual(expect.objectContaining({ failed: 1 }));
});

test('the IAM path without a credential id: a failed portion saying what it needs; no AWS call', async () => {
  await start({}, {}, { saas_authorization: { headers: { Authorization: 'x' } } });
  await run();
  expect(cloud.readyPortions).toEqual([['7', expect.objectContaining({ failed: 1, error_message: expect.stringContaining('the AWS IAM path (inputs.iam_roles) needs saas_authorization {"credential_id": ...}') })]]);
  expect(aws.requests).toEqual([]);
});

test('a test run stops after 10 records across the passes', async () => {
  await start({ roles: { [ROLE_A]: Array.from({ length: 6 }, (_, i) => instance(i + 1)), [ROLE_B]: [instance(7), instance(8), instance(9), instance(10), instance(11), instance(12)] }, userInstances: [instance(13)] }, {}, { test_run: true });
  await run();
  expect(cloud.uploads.map((u) => (u.records as Array<{ INSTANCE: string }>)[0].INSTANCE)).toEqual(['i-01', 'i-02', 'i-03', 'i-04', 'i-05', 'i-06', 'i-07', 'i-08', 'i-09', 'i-010']);
  expect(cloud.finalized).toHaveLength(1);
  expect(aws.lines().filter((l) => l === 'DescribeInstances@user')).toEqual([]);
});

test('the fake AWS refuses an unsigned call with AWS\'s XML', async () => {
  await start();
  const reply = await fetch(`${aws.iamUrl}/?Action=GetUser&Version=2010-05-08`);
  expect(reply.status).toBe(403);
  expect(await reply.text()).toMatch(/<ErrorResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/"><Error><Type>Sender<\/Type><Code>MissingAuthenticationToken<\/Code><Message>Request is missing Authentication Token<\/Message><\/Error><RequestId>/);
});

test('single mode: a record whose mapping fails goes alone at its place, between the good ones', async () => {
  aws = await startFakeAws(awsOptions({ roles: { [ROLE_A]: [instance(1), { ...instance(2), instanceType: 'bad' }, instance(3)], [ROLE_B]: [] } }));
  cloud = await startFakeManagedCloud({
    storedTokens: { '5': 'sync-token-abcdefghij' },
    mappings: { '7': { INSTANCE: MAPPINGS.INSTANCE, CHECK: { type: 'attribute', value: "{{ 1 // (0 if instancesSet['item'].instanceType == 'bad' else 1) }}" } } },
    awsCredentials: { 'aws-cred': { ...KEY, scopeOf: (url) => fakeAwsScope(aws, url) } },
    polls: [[integration(7)]],
  });
  expect(await run()).toBe(1);
  expect(cloud.uploads.map((u) => [u.records, u.error])).toEqual([
    [[{ INSTANCE: 'i-01', CHECK: 1 }], null],
    [[{
      reservationId: 'r-444455556666-1', ownerId: '444455556666',
      instancesSet: { item: { instanceId: 'i-02', instanceType: 'bad', privateIpAddress: '10.0.0.2' } },
      pre_list_response_item: null, exploratory_list_response_item: null,
    }], expect.stringContaining('Failed to process the mapping value: ')],
    [[{ INSTANCE: 'i-03', CHECK: 1 }], null],
    [[{ INSTANCE: 'i-09', CHECK: 1 }], null],
  ]);
  expect(cloud.finalized).toHaveLength(1);
});

test('canceled in Oomnitza during the first role\'s pass: nothing more sent, no other pass; finalize', async () => {
  await start();
  cloud.cancelAfterUploads = 2;
  await run();
  expect(cloud.uploads.map((u) => (u.records as Array<{ INSTANCE: string }>)[0].INSTANCE)).toEqual(['i-01', 'i-02']);
  expect(cloud.finalized).toEqual([cloud.uploads[0].portion]);
  // The runner reads one event ahead while it uploads (README), so role A's last page, and role B's AssumeRole, may
  // be fetched before the cancel is seen; what they brought is not sent, and no list call follows.
  expect(aws.lines().filter((l) => l.startsWith('DescribeInstances@') && !l.endsWith(ROLE_A))).toEqual([]);
});
