/**
 * The AWS IAM path (managed fact sheet §9.1, §14; README.md beside this file, "AWS IAM path"): chosen when the
 * cloud input `iam_roles` has a truthy value. The Oomnitza cloud holds the AWS keys of an IAM user and signs calls
 * for us (O12, `saas_authorization = {"credential_id": ...}`): GetUser, ListUserPolicies, GetUserPolicy on IAM and
 * AssumeRole on STS. Every role ARN that the user's inline policies allow `sts:AssumeRole` on is assumed, just
 * before its pass, and the levels of the definition run once per role — their calls signed here with the role's
 * temporary credentials (SigV4, ../../http/auth/sigv4.ts) — and once more signed by the cloud (the user's own
 * account). The events are those of fetchIntegration, joined: one outcome for the whole run.
 */
import { randomUUID } from 'node:crypto';
import { awsScopeOfHost, sigV4Sign, type AwsCredentials } from '../../http/index.js';
import { redactor } from '../../logging.js';
import { FIRST_PAGE_FAILED, LATER_PAGE_FAILED, fetchIntegration as fetchLevels, TEST_RUN_ITEMS } from './fetch.js';
import { errorChain } from '../../errors.js';
import { errorText } from './items.js';
import { isDict, truthy } from './python.js';
import { Renderer } from './render.js';
import { SaasCaller, SaasHttpError, withParams } from './request.js';
import type { AwsIamOptions, CredentialCall, CredentialSecret, FetchEvent, FetchInput, ManagedIntegrationDefinition } from './types.js';

export const IAM_URL = 'https://iam.amazonaws.com';
export const STS_URL = 'https://sts.amazonaws.com';
export const IAM_VERSION = '2010-05-08';
export const STS_VERSION = '2011-06-15';
export const NEEDS_CREDENTIAL =
  'the AWS IAM path (inputs.iam_roles) needs saas_authorization {"credential_id": ...}: the Oomnitza cloud holds the AWS keys and signs the IAM and STS calls';

/** §9.1: the IAM path is chosen by the raw value of the cloud input `iam_roles` (Python truthiness). */
export function usesAwsIam(integration: Pick<ManagedIntegrationDefinition, 'inputs'>): boolean {
  const input = integration.inputs?.iam_roles;
  return isDict(input) && truthy(input.value);
}

/** A failure inside the IAM steps, worded for the cloud: which call, what AWS said. */
class AwsStepError extends Error {
  constructor(step: string, cause: unknown) {
    const said = awsSaid(cause);
    super(`AWS IAM: ${step} failed: ${errorText(cause)}${said ? ` (AWS says: ${said})` : ''}`, { cause });
    this.name = 'AwsIamError';
  }
}

/** What the AWS server said (its error XML as the kit's error text keeps it), behind a refused AWS call (not O12's). */
function awsSaid(err: unknown): string | undefined {
  if (!(err instanceof SaasHttpError)) return undefined;
  for (let at: unknown = err.cause, depth = 0; at instanceof Error && depth < 5; at = at.cause, depth++) {
    const m = /failed: HTTP \d+: (.+)$/s.exec(at.message);
    if (m) return m[1];
  }
  return undefined;
}

const FIRST_PREFIX = 'Failed to fetch the first block of data. The error is: ';
const LATER_PREFIX = 'Failed to fetch the next block of data. The error is: ';
const SUFFIX = '. The further processing is impossible';

/** The reason inside a §11.3 page-failure text (the message itself when it is not one). */
function reasonOf(message: string): string {
  for (const prefix of [FIRST_PREFIX, LATER_PREFIX]) {
    if (message.startsWith(prefix) && message.endsWith(SUFFIX)) return message.slice(prefix.length, -SUFFIX.length);
  }
  return message;
}

export async function* fetchAwsIam(input: FetchInput): AsyncGenerator<FetchEvent> {
  const opts = input.aws ?? {};
  let batches = 0;
  let items = 0;
  // Failures are told apart by what the whole run has yielded (the original counts the role passes' pages).
  const failed = (reason: string, detail: string): FetchEvent => ({
    kind: 'failed',
    stage: batches === 0 ? 'first-page' : 'later-page',
    message: batches === 0 ? FIRST_PAGE_FAILED(reason) : LATER_PAGE_FAILED(reason),
    detail,
  });

  const auth = input.saasAuthorization;
  if (auth.kind !== 'credential' || !input.credentialSecret) {
    yield failed(NEEDS_CREDENTIAL, NEEDS_CREDENTIAL);
    return;
  }
  const aws = new AwsIamCalls(input, opts);

  /** One pass of the levels; returns how the run goes on: 'next' (pass done), or the run ended (already yielded). */
  async function* pass(passInput: FetchInput, role: string | undefined): AsyncGenerator<FetchEvent, 'next' | 'ended'> {
    // Single mode's test run (the original's perform_sync): the passes run as usual until 10 records are out.
    for await (const event of fetchLevels({ ...passInput, testRun: false })) {
      if (event.kind === 'batch') {
        let batch = event.items;
        if (input.testRun) batch = batch.slice(0, TEST_RUN_ITEMS - items);
        batches++;
        items += batch.length;
        yield { kind: 'batch', items: batch };
        if (input.testRun && items >= TEST_RUN_ITEMS) {
          yield { kind: 'end', outcome: 'done' };
          return 'ended';
        }
      } else if (event.kind === 'end') {
        if (event.outcome === 'canceled') {
          yield event;
          return 'ended';
        }
        // An empty first page of one pass is not the run's (the original: skip_empty_response); only the last
        // pass may report it, when no pass before it had anything.
        if (event.outcome === 'empty-first-page' && (role !== undefined || items > 0)) return 'next';
        if (role === undefined) {
          yield event;
          return 'ended';
        }
        return 'next';
      } else {
        const reason = event.stage === 'max-iterations' ? event.message : reasonOf(event.message);
        yield failed(role === undefined ? reason : `while signed as the role ${role}: ${reason}`, event.detail);
        return 'ended';
      }
    }
    return 'next';
  }

  try {
    const user = await aws.getUser();
    for await (const roleArn of aws.assumableRoles(user)) {
      // Assumed just before its pass: the credentials live an hour, a long pass before would outlive them.
      const credentials = await aws.assumeRole(roleArn);
      const signer = localSigner(credentials, opts);
      if ((yield* pass({ ...input, credentialSecret: signer }, roleArn)) === 'ended') return;
    }
  } catch (err) {
    if (input.signal?.aborted) throw input.signal.reason;
    yield failed(errorText(err), errorChain(err));
    return;
  }
  if ((yield* pass(input, undefined)) === 'ended') return;
  yield { kind: 'end', outcome: 'done' };
}

/**
 * Signs one SaaS call with assumed-role credentials, as the fetch engine will send it: the URL with its params
 * (request.ts withParams), the body. Answers what O12 would: headers to merge, no params.
 */
function localSigner(credentials: AwsCredentials, opts: AwsIamOptions): (call: CredentialCall) => Promise<CredentialSecret> {
  return async (call) => {
    const url = new URL(withParams(call.url, call.params));
    const scope = opts.scopeOf?.(url) ?? awsScopeOfHost(url.host);
    if (!scope) throw new Error(`cannot sign a call to ${url.host} with the assumed role's credentials: not an AWS endpoint (service.region.amazonaws.com)`);
    const signed = sigV4Sign({ method: call.http_method, url, body: call.body }, credentials, scope, opts.now?.() ?? Date.now());
    return { headers: signed.headers, params: {} };
  };
}

/** The IAM and STS calls, each signed by the cloud (O12) and sent like any SaaS call of the run. */
class AwsIamCalls {
  private readonly caller: SaasCaller;
  private readonly iamUrl: string;
  private readonly stsUrl: string;

  constructor(input: FetchInput, opts: AwsIamOptions) {
    this.caller = new SaasCaller(input.http, new Renderer(input.engine), input.saasAuthorization, input.signal, input.credentialSecret!.bind(input));
    this.iamUrl = opts.iamUrl ?? IAM_URL;
    this.stsUrl = opts.stsUrl ?? STS_URL;
  }

  private async call(step: string, url: string, params: Record<string, string>): Promise<unknown> {
    try {
      const reply = await this.caller.send({ method: 'GET', url, headers: {}, params }, {});
      return reply.body;
    } catch (err) {
      throw new AwsStepError(step, err);
    }
  }

  async getUser(): Promise<string> {
    const body = await this.call('GetUser', this.iamUrl, { Action: 'GetUser', Version: IAM_VERSION });
    return text(dig(body, 'GetUser', ['GetUserResponse', 'GetUserResult', 'User', 'UserName']), 'GetUser', 'UserName');
  }

  /** The role ARNs, policy by policy, as they are reached (lazily: each role is assumed before the next policy is read). */
  async *assumableRoles(user: string): AsyncGenerator<string> {
    for await (const policy of this.policyNames(user)) {
      const body = await this.call(`GetUserPolicy ${policy}`, this.iamUrl, { Action: 'GetUserPolicy', Version: IAM_VERSION, UserName: user, PolicyName: policy });
      const document = text(dig(body, 'GetUserPolicy', ['GetUserPolicyResponse', 'GetUserPolicyResult', 'PolicyDocument']), 'GetUserPolicy', 'PolicyDocument');
      yield* assumeRoleResources(document, policy);
    }
  }

  /** ListUserPolicies, following `Marker` while `IsTruncated` (the original reads the first page only). */
  private async *policyNames(user: string): AsyncGenerator<string> {
    let marker: string | undefined;
    for (let page = 0; page < 100; page++) {
      const params: Record<string, string> = { Action: 'ListUserPolicies', Version: IAM_VERSION, UserName: user };
      if (marker !== undefined) params.Marker = marker;
      const body = await this.call('ListUserPolicies', this.iamUrl, params);
      const result = dig(body, 'ListUserPolicies', ['ListUserPoliciesResponse', 'ListUserPoliciesResult']);
      const names = isDict(result) && isDict(result.PolicyNames) ? result.PolicyNames.member : undefined;
      // xmltodict: one member is a string, several a list, none (`<PolicyNames/>`) no object at all
      for (const name of names === undefined || names === null ? [] : Array.isArray(names) ? names : [names]) if (typeof name === 'string') yield name;
      if (!isDict(result) || result.IsTruncated !== 'true' || typeof result.Marker !== 'string') return;
      marker = result.Marker;
    }
  }

  async assumeRole(roleArn: string): Promise<AwsCredentials> {
    const step = `AssumeRole ${roleArn}`;
    const body = await this.call(step, this.stsUrl, { Action: 'AssumeRole', Version: STS_VERSION, RoleArn: roleArn, RoleSessionName: randomUUID().replace(/-/g, '') });
    const c = dig(body, step, ['AssumeRoleResponse', 'AssumeRoleResult', 'Credentials']);
    if (!isDict(c)) throw new AwsStepError(step, new Error('the reply has no Credentials'));
    const credentials: AwsCredentials = {
      accessKeyId: text(c.AccessKeyId, step, 'AccessKeyId'),
      secretAccessKey: text(c.SecretAccessKey, step, 'SecretAccessKey'),
      sessionToken: text(c.SessionToken, step, 'SessionToken'),
    };
    // Secrets from here on: never in a log line, an error text sent to the cloud, or a --save-data file.
    redactor.add(credentials.secretAccessKey);
    redactor.add(credentials.sessionToken!);
    return credentials;
  }
}

function dig(body: unknown, step: string, path: string[]): unknown {
  let at = body;
  for (const key of path) {
    if (!isDict(at) || !(key in at)) throw new AwsStepError(step, new Error(`the reply has no ${path.slice(0, path.indexOf(key) + 1).join('.')}`));
    at = at[key];
  }
  return at;
}

function text(value: unknown, step: string, what: string): string {
  if (typeof value !== 'string' || value === '') throw new AwsStepError(step, new Error(`the reply's ${what} is not a text`));
  return value;
}

/**
 * The resources of a policy document's statements whose Action is `sts:AssumeRole` (a text, or a list holding it),
 * Effect not Deny. The document arrives URL-encoded JSON; Statement and Resource may each be one or a list.
 */
export function* assumeRoleResources(encoded: string, policy: string): Generator<string> {
  let document: unknown;
  try {
    document = JSON.parse(decodeURIComponent(encoded));
  } catch (err) {
    throw new AwsStepError(`GetUserPolicy ${policy}`, new Error(`the PolicyDocument is not URL-encoded JSON (${errorText(err)})`));
  }
  const statements = isDict(document) ? document.Statement : undefined;
  for (const statement of Array.isArray(statements) ? statements : statements === undefined ? [] : [statements]) {
    if (!isDict(statement) || statement.Effect === 'Deny') continue;
    const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
    if (!actions.includes('sts:AssumeRole')) continue;
    const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
    for (const resource of resources) if (typeof resource === 'string' && resource) yield resource;
  }
}
