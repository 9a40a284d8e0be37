/**
 * A fake AWS for the managed AWS IAM path: three endpoints on 127.0.0.1 (ephemeral ports), each its own service —
 * IAM (`iam`), STS (`sts`) and an EC2-style list API (`ec2`), all signing region us-east-1 — speaking the Query
 * protocol (GET, `Action` + `Version` in the query) and answering AWS's XML.
 *
 * Every request must carry a valid SigV4 `Authorization` header, VERIFIED here by an implementation of its own (not
 * the connector's signer): the canonical request rebuilt from the request as it arrived (raw path and query, the
 * signed headers' values, the body's SHA-256), the key derived from the secret of the presented access key, the
 * HMAC compared. Refused, with AWS's status and error XML: no signature (MissingAuthenticationToken), an unknown key
 * (InvalidClientTokenId / AuthFailure), a scope of another service or region or a wrong signature
 * (SignatureDoesNotMatch / AuthFailure), an X-Amz-Date more than 5 minutes from the server's clock (signature
 * expired / RequestExpired), temporary credentials without their session token or after they expired (ExpiredToken).
 *
 * - IAM: GetUser (the caller's user), ListUserPolicies (`IsTruncated`/`Marker` pages of `policyPageSize`), GetUserPolicy
 *   (the document URL-encoded, as IAM sends it); NoSuchEntity for another user or policy.
 * - STS: AssumeRole for the user's key only; AccessDenied for roles in `deniedRoles` or unknown; a RoleSessionName is
 *   required (2–64 of `[\w+=,.@-]`). Issues `ASIA…` keys with a session token, valid `sessionSeconds`.
 * - EC2: DescribeInstances (Version 2016-11-15) of the caller's account (the user's, or the assumed role's), pages of
 *   `pageSize` with `MaxResults`/`NextToken` (an unknown token → InvalidParameterValue).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeAwsInstance {
  instanceId: string;
  instanceType: string;
  privateIpAddress: string;
}

export interface FakeAwsOptions {
  /** The IAM user's long-term key pair (what the cloud holds). */
  accessKeyId: string;
  secretAccessKey: string;
  userName?: string;
  accountId?: string;
  /** Inline policies of the user: name → policy document (JSON). */
  policies?: Record<string, unknown>;
  policyPageSize?: number;
  /** role ARN → the instances of its account. */
  roles?: Record<string, FakeAwsInstance[]>;
  /** Instances of the user's own account. */
  userInstances?: FakeAwsInstance[];
  /** Roles whose AssumeRole is refused (AccessDenied). */
  deniedRoles?: string[];
  pageSize?: number;
  sessionSeconds?: number;
  /** The server's clock (ms). */
  now?: () => number;
}

export interface FakeAwsRequest {
  service: 'iam' | 'sts' | 'ec2';
  method: string;
  /** Path and query as received. */
  url: string;
  action: string;
  params: Record<string, string>;
  /** Who signed: `user`, the role ARN, or undefined (refused). */
  principal?: string;
  /** The error code sent, when refused. */
  error?: string;
  headers: http.IncomingHttpHeaders;
}

export interface FakeAws {
  iamUrl: string;
  stsUrl: string;
  ec2Url: string;
  requests: FakeAwsRequest[];
  /** Session tokens and secret keys handed out by AssumeRole (tests check they leak nowhere). */
  issued: Array<{ roleArn: string; accessKeyId: string; secretAccessKey: string; sessionToken: string }>;
  /** `Action` of every accepted request, in order, with its principal: `GetUser@user`, `DescribeInstances@arn:...`. */
  lines(): string[];
  close(): Promise<void>;
}

type Service = FakeAwsRequest['service'];
const REGION = 'us-east-1';
const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const EC2_NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

class AwsFault extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decodeForm(text: string): string {
  return decodeURIComponent(text.replace(/\+/g, ' '));
}

function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function parseAmzDate(text: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : undefined;
}

export async function startFakeAws(opts: FakeAwsOptions): Promise<FakeAws> {
  const now = opts.now ?? Date.now;
  const userName = opts.userName ?? 'oomnitza-reader';
  const accountId = opts.accountId ?? '111122223333';
  const userArn = `arn:aws:iam::${accountId}:user/${userName}`;
  const sessions = new Map<string, { roleArn: string; secret: string; token: string; expires: number }>();
  const nextTokens = new Map<string, { principal: string; offset: number }>();
  const requests: FakeAwsRequest[] = [];
  const issued: FakeAws['issued'] = [];
  let requestNo = 0;

  const fault = (service: Service, code: string, message: string): AwsFault => {
    if (service === 'ec2') {
      const status = code === 'AuthFailure' ? 401 : code === 'UnauthorizedOperation' ? 403 : 400;
      return new AwsFault(status, code, message);
    }
    const status = code === 'NoSuchEntity' ? 404 : code === 'ValidationError' || code === 'ExpiredToken' || code === 'InvalidAction' ? 400 : 403;
    return new AwsFault(status, code, message);
  };

  /** The principal of a correctly signed request: 'user' or a role ARN. Throws AWS's refusal otherwise. */
  function authenticate(service: Service, req: http.IncomingMessage, rawUrl: string, body: Buffer): string {
    const header = req.headers.authorization;
    if (!header) {
      if (service === 'ec2') throw fault(service, 'AuthFailure', 'AWS was not able to validate the provided access credentials');
      throw fault(service, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
    }
    const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(String(header));
    if (!m) throw fault(service, service === 'ec2' ? 'AuthFailure' : 'IncompleteSignature', `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' (got ${String(header).slice(0, 40)}...)`);
    const [, keyId, day, region, scopeService, signedHeaders, signature] = m;
    let secret: string | undefined;
    let principal: string;
    const session = sessions.get(keyId);
    if (keyId === opts.accessKeyId) {
      secret = opts.secretAccessKey;
      principal = 'user';
    } else if (session) {
      secret = session.secret;
      principal = session.roleArn;
    } else {
      if (service === 'ec2') throw fault(service, 'AuthFailure', 'AWS was not able to validate the provided access credentials');
      throw fault(service, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    }
    const names = signedHeaders.split(';');
    const dateText = String(req.headers['x-amz-date'] ?? '');
    const sent = parseAmzDate(dateText);
    if (!names.includes('host') || !names.includes('x-amz-date') || sent === undefined) {
      throw fault(service, service === 'ec2' ? 'AuthFailure' : 'IncompleteSignature', 'The request must sign host and X-Amz-Date');
    }
    if (Math.abs(now() - sent) > 5 * 60_000) {
      if (service === 'ec2') throw fault(service, 'RequestExpired', 'Request has expired.');
      throw fault(service, 'SignatureDoesNotMatch', `Signature expired: ${dateText} is now earlier than ${amzDate(now() - 5 * 60_000)} (${amzDate(now())} - 5 min.)`);
    }
    if (day !== dateText.slice(0, 8) || region !== REGION || scopeService !== service) {
      if (service === 'ec2') throw fault(service, 'AuthFailure', `Credential should be scoped to a valid region and service: ${day}/${region}/${scopeService}`);
      throw fault(service, 'SignatureDoesNotMatch', `Credential should be scoped to a valid region, not '${region}', and to service '${service}', not '${scopeService}'.`);
    }
    // The canonical request, from the request as it arrived.
    const q = rawUrl.indexOf('?');
    const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const rawQuery = q < 0 ? '' : rawUrl.slice(q + 1);
    const canonicalUri = rawPath.split('/').map((segment) => rfc3986(segment)).join('/') || '/';
    const pairs = rawQuery.split('&').filter(Boolean).map((p) => {
      const eq = p.indexOf('=');
      return [rfc3986(decodeForm(eq < 0 ? p : p.slice(0, eq))), rfc3986(decodeForm(eq < 0 ? '' : p.slice(eq + 1)))];
    });
    pairs.sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1));
    const headerLines = names.map((n) => {
      const v = req.headers[n];
      return `${n}:${(Array.isArray(v) ? v.join(',') : String(v ?? '')).trim().replace(/\s+/g, ' ')}\n`;
    });
    const canonical = [req.method, canonicalUri, pairs.map((p) => p.join('=')).join('&'), headerLines.join(''), signedHeaders, createHash('sha256').update(body).digest('hex')].join('\n');
    const toSign = ['AWS4-HMAC-SHA256', dateText, `${day}/${region}/${scopeService}/aws4_request`, createHash('sha256').update(canonical).digest('hex')].join('\n');
    let key: Buffer = createHmac('sha256', `AWS4${secret}`).update(day).digest();
    for (const part of [region, scopeService, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
    const expected = createHmac('sha256', key).update(toSign).digest();
    if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) {
      if (service === 'ec2') throw fault(service, 'AuthFailure', 'AWS was not able to validate the provided access credentials');
      throw fault(service, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.');
    }
    if (session) {
      const token = req.headers['x-amz-security-token'];
      if (token !== session.token || !names.includes('x-amz-security-token')) {
        throw fault(service, service === 'ec2' ? 'AuthFailure' : 'InvalidClientTokenId', 'The security token included in the request is invalid.');
      }
      if (now() >= session.expires) throw fault(service, service === 'ec2' ? 'RequestExpired' : 'ExpiredToken', 'The security token included in the request is expired');
    }
    return principal;
  }

  const meta = () => `<ResponseMetadata><RequestId>req-${++requestNo}</RequestId></ResponseMetadata>`;

  function iam(action: string, params: Record<string, string>, principal: string): string {
    if (principal !== 'user') throw fault('iam', 'ValidationError', 'Must specify userName when calling with non-User credentials');
    const checkUser = () => {
      if (params.UserName !== userName) throw fault('iam', 'NoSuchEntity', `The user with name ${params.UserName ?? ''} cannot be found.`);
    };
    if (action === 'GetUser') {
      return `<GetUserResponse xmlns="${IAM_NS}"><GetUserResult><User><Path>/</Path><UserName>${userName}</UserName><Arn>${userArn}</Arn><UserId>AIDAEXAMPLEUSER0001</UserId><CreateDate>2024-01-02T03:04:05Z</CreateDate></User></GetUserResult>${meta()}</GetUserResponse>`;
    }
    if (action === 'ListUserPolicies') {
      checkUser();
      const names = Object.keys(opts.policies ?? {});
      const size = opts.policyPageSize ?? 100;
      const from = params.Marker ? Number(params.Marker.replace('marker-', '')) : 0;
      if (Number.isNaN(from)) throw fault('iam', 'ValidationError', 'Invalid Marker');
      const page = names.slice(from, from + size);
      const truncated = from + size < names.length;
      const members = page.length ? `<PolicyNames>${page.map((n) => `<member>${xmlEscape(n)}</member>`).join('')}</PolicyNames>` : '<PolicyNames/>';
      return `<ListUserPoliciesResponse xmlns="${IAM_NS}"><ListUserPoliciesResult><IsTruncated>${truncated}</IsTruncated>${truncated ? `<Marker>marker-${from + size}</Marker>` : ''}${members}</ListUserPoliciesResult>${meta()}</ListUserPoliciesResponse>`;
    }
    if (action === 'GetUserPolicy') {
      checkUser();
      const doc = opts.policies?.[params.PolicyName ?? ''];
      if (doc === undefined) throw fault('iam', 'NoSuchEntity', `The user policy with name ${params.PolicyName ?? ''} cannot be found.`);
      return `<GetUserPolicyResponse xmlns="${IAM_NS}"><GetUserPolicyResult><PolicyDocument>${rfc3986(JSON.stringify(doc, null, 4))}</PolicyDocument><PolicyName>${xmlEscape(params.PolicyName!)}</PolicyName><UserName>${userName}</UserName></GetUserPolicyResult>${meta()}</GetUserPolicyResponse>`;
    }
    throw fault('iam', 'InvalidAction', `Could not find operation ${action} for version ${params.Version ?? ''}`);
  }

  function sts(action: string, params: Record<string, string>, principal: string): string {
    if (action !== 'AssumeRole') throw fault('sts', 'InvalidAction', `Could not find operation ${action} for version ${params.Version ?? ''}`);
    const arn = params.RoleArn ?? '';
    if (!/^[\w+=,.@-]{2,64}$/.test(params.RoleSessionName ?? '')) throw fault('sts', 'ValidationError', "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint");
    const who = principal === 'user' ? userArn : principal;
    if (principal !== 'user' || !(arn in (opts.roles ?? {})) || opts.deniedRoles?.includes(arn)) {
      throw fault('sts', 'AccessDenied', `User: ${who} is not authorized to perform: sts:AssumeRole on resource: ${arn}`);
    }
    const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
    const secretAccessKey = randomBytes(30).toString('base64');
    const sessionToken = `FwoGZXIvYXdz${randomBytes(90).toString('base64')}`;
    const expires = now() + (opts.sessionSeconds ?? 3600) * 1000;
    sessions.set(accessKeyId, { roleArn: arn, secret: secretAccessKey, token: sessionToken, expires });
    issued.push({ roleArn: arn, accessKeyId, secretAccessKey, sessionToken });
    const roleName = arn.split('/').pop();
    const account = arn.split(':')[4];
    return `<AssumeRoleResponse xmlns="${STS_NS}"><AssumeRoleResult><AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:${params.RoleSessionName}</AssumedRoleId><Arn>arn:aws:sts::${account}:assumed-role/${roleName}/${params.RoleSessionName}</Arn></AssumedRoleUser><Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${xmlEscape(secretAccessKey)}</SecretAccessKey><SessionToken>${xmlEscape(sessionToken)}</SessionToken><Expiration>${new Date(expires).toISOString().replace(/\.\d{3}/, '')}</Expiration></Credentials></AssumeRoleResult>${meta()}</AssumeRoleResponse>`;
  }

  function ec2(action: string, params: Record<string, string>, principal: string): string {
    if (action !== 'DescribeInstances' || params.Version !== '2016-11-15') throw fault('ec2', 'InvalidAction', `The action ${action} is not valid for this web service.`);
    const instances = principal === 'user' ? opts.userInstances ?? [] : opts.roles?.[principal] ?? [];
    const owner = principal === 'user' ? accountId : principal.split(':')[4];
    let offset = 0;
    if (params.NextToken !== undefined) {
      const t = nextTokens.get(params.NextToken);
      if (!t || t.principal !== principal) throw fault('ec2', 'InvalidParameterValue', `Invalid value '${params.NextToken}' for nextToken`);
      offset = t.offset;
    }
    const size = Number(params.MaxResults ?? opts.pageSize ?? 1000);
    const page = instances.slice(offset, offset + size);
    let next = '';
    if (offset + size < instances.length) {
      const token = randomBytes(12).toString('hex');
      nextTokens.set(token, { principal, offset: offset + size });
      next = `<nextToken>${token}</nextToken>`;
    }
    const set = page.length
      ? `<reservationSet>${page.map((i, n) => `<item><reservationId>r-${owner}-${offset + n}</reservationId><ownerId>${owner}</ownerId><instancesSet><item><instanceId>${i.instanceId}</instanceId><instanceType>${i.instanceType}</instanceType><privateIpAddress>${i.privateIpAddress}</privateIpAddress></item></instancesSet></item>`).join('')}</reservationSet>`
      : '<reservationSet/>';
    return `<DescribeInstancesResponse xmlns="${EC2_NS}"><requestId>req-${++requestNo}</requestId>${set}${next}</DescribeInstancesResponse>`;
  }

  const handlers: Record<Service, (action: string, params: Record<string, string>, principal: string) => string> = { iam, sts, ec2 };

  function serve(service: Service): http.Server {
    return http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const rawUrl = req.url ?? '/';
        const url = new URL(rawUrl, 'http://x');
        const params = Object.fromEntries(url.searchParams);
        const entry: FakeAwsRequest = { service, method: req.method ?? '', url: rawUrl, action: params.Action ?? '', params, headers: req.headers };
        requests.push(entry);
        try {
          entry.principal = authenticate(service, req, rawUrl, Buffer.concat(chunks));
          const xml = handlers[service](entry.action, params, entry.principal);
          res.writeHead(200, { 'Content-Type': 'text/xml' });
          res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
        } catch (err) {
          if (!(err instanceof AwsFault)) throw err;
          entry.error = err.code;
          entry.principal = undefined;
          res.writeHead(err.status, { 'Content-Type': 'text/xml' });
          res.end(service === 'ec2'
            ? `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${err.code}</Code><Message>${xmlEscape(err.message)}</Message></Error></Errors><RequestID>req-${++requestNo}</RequestID></Response>`
            : `<ErrorResponse xmlns="${service === 'iam' ? IAM_NS : STS_NS}"><Error><Type>Sender</Type><Code>${err.code}</Code><Message>${xmlEscape(err.message)}</Message></Error><RequestId>req-${++requestNo}</RequestId></ErrorResponse>`);
        }
      });
    });
  }

  const servers = { iam: serve('iam'), sts: serve('sts'), ec2: serve('ec2') };
  const urls: Record<string, string> = {};
  for (const [name, server] of Object.entries(servers)) {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    urls[name] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  return {
    iamUrl: urls.iam,
    stsUrl: urls.sts,
    ec2Url: urls.ec2,
    requests,
    issued,
    lines: () => requests.filter((r) => r.principal).map((r) => `${r.action}@${r.principal}`),
    close: async () => {
      await Promise.all(Object.values(servers).map((s) => {
        s.closeAllConnections();
        return new Promise<void>((resolve) => s.close(() => resolve()));
      }));
    },
  };
}

/** Which service and region a fake endpoint signs as (what the cloud and the connector must use for it). */
export function fakeAwsScope(aws: Pick<FakeAws, 'iamUrl' | 'stsUrl' | 'ec2Url'>, url: URL): { service: string; region: string } | undefined {
  const origin = url.origin;
  if (origin === aws.iamUrl) return { service: 'iam', region: REGION };
  if (origin === aws.stsUrl) return { service: 'sts', region: REGION };
  if (origin === aws.ec2Url) return { service: 'ec2', region: REGION };
  return undefined;
}
