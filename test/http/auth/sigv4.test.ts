/**
 * SigV4 against AWS's published test suite (aws-sig-v4-test-suite: key AKIDEXAMPLE, region us-east-1, service
 * "service", 2015-08-30T12:36:00Z), and the host → service/region rule.
 */
import { awsScopeOfHost, sigV4Sign, uriEncode } from '../../../src/http/auth/sigv4.js';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const SCOPE = { service: 'service', region: 'us-east-1' };
const NOW = Date.UTC(2015, 7, 30, 12, 36, 0);
const TOKEN = 'AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==';

const authz = (signedHeaders: string, signature: string) =>
  `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=${signedHeaders}, Signature=${signature}`;

test.each([
  ['get-vanilla', 'GET', '/', '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'],
  ['post-vanilla', 'POST', '/', '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b'],
  ['get-vanilla-empty-query-key', 'GET', '/?Param1=value1', 'a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb'],
  ['get-vanilla-query-order-value', 'GET', '/?Param1=value2&Param1=value1', '5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694'],
])('%s', (_name, method, path, signature) => {
  const signed = sigV4Sign({ method, url: `https://example.amazonaws.com${path}` }, CREDENTIALS, SCOPE, NOW);
  expect(signed.headers).toEqual({ authorization: authz('host;x-amz-date', signature), 'x-amz-date': '20150830T123600Z' });
});

test('get-vanilla-query-order-value: the canonical request sorts equal names by value', () => {
  const signed = sigV4Sign({ method: 'GET', url: 'https://example.amazonaws.com/?Param1=value2&Param1=value1' }, CREDENTIALS, SCOPE, NOW);
  expect(signed.canonicalRequest).toBe([
    'GET', '/', 'Param1=value1&Param1=value2', 'host:example.amazonaws.com', 'x-amz-date:20150830T123600Z', '', 'host;x-amz-date',
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  ].join('\n'));
});

test('post-sts-header-before: the session token is a signed header', () => {
  const signed = sigV4Sign({ method: 'POST', url: 'https://example.amazonaws.com/' }, { ...CREDENTIALS, sessionToken: TOKEN }, SCOPE, NOW);
  expect(signed.headers).toEqual({
    authorization: authz('host;x-amz-date;x-amz-security-token', '85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead'),
    'x-amz-date': '20150830T123600Z',
    'x-amz-security-token': TOKEN,
  });
});

test('the query is canonicalized from the wire form: decoded (+ is a space), RFC 3986 encoded, sorted; a port stays in host', () => {
  const signed = sigV4Sign({ method: 'GET', url: 'http://127.0.0.1:8443/a%20b/?b=x+y&a=%7E&c' }, CREDENTIALS, SCOPE, NOW);
  const [, path, query, host] = signed.canonicalRequest.split('\n');
  expect(path).toBe('/a%2520b/'); // the wire path encoded once more (not S3)
  expect(query).toBe('a=~&b=x%20y&c=');
  expect(host).toBe('host:127.0.0.1:8443');
  expect(uriEncode("a b/c!'()*~")).toBe('a%20b%2Fc%21%27%28%29%2A~');
});

test.each([
  ['iam.amazonaws.com', { service: 'iam', region: 'us-east-1' }],
  ['sts.amazonaws.com', { service: 'sts', region: 'us-east-1' }],
  ['ec2.eu-west-1.amazonaws.com', { service: 'ec2', region: 'eu-west-1' }],
  ['EC2.us-gov-west-1.amazonaws.com:443', { service: 'ec2', region: 'us-gov-west-1' }],
  ['ec2-fips.us-east-2.amazonaws.com', { service: 'ec2', region: 'us-east-2' }],
  ['sts.cn-north-1.amazonaws.com.cn', { service: 'sts', region: 'cn-north-1' }],
  ['bucket.s3.us-west-2.amazonaws.com', { service: 's3', region: 'us-west-2' }],
  ['ec2.us-east-1.api.aws', { service: 'ec2', region: 'us-east-1' }],
  ['example.com', undefined],
  ['127.0.0.1:9000', undefined],
])('the scope of %s', (host, scope) => {
  expect(awsScopeOfHost(host)).toEqual(scope);
});

test('as a kit provider: signedRequests + sigV4Sign over the request as it goes out; a server that verifies SigV4 accepts it', async () => {
  const { startFakeAws, fakeAwsScope } = await import('../../support/fakeAws.js');
  const { signedRequests } = await import('../../../src/http/auth/index.js');
  const { HttpClient } = await import('../../../src/http/client.js');
  const key = { accessKeyId: 'AKIAKITTEST00000001', secretAccessKey: 'kit/test/secret' };
  const aws = await startFakeAws({ ...key, userInstances: [{ instanceId: 'i-1', instanceType: 't3.micro', privateIpAddress: '10.0.0.1' }] });
  const http = new HttpClient({ section: 'sigv4', tls: { verify: true } });
  try {
    const auth = signedRequests((req, now) => {
      Object.assign(req.headers, sigV4Sign({ method: req.method, url: req.url, body: req.body }, key, fakeAwsScope(aws, req.url)!, now).headers);
    });
    const client = http.with({ baseUrl: aws.ec2Url, auth });
    const reply = await client.request('GET', '/?Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=tag%3AName&Filter.1.Value.1=a+b');
    expect(reply.text).toContain('<instanceId>i-1</instanceId>');
    expect(aws.requests.map((r) => [r.principal, r.error])).toEqual([['user', undefined]]);
  } finally {
    await http.close();
    await aws.close();
  }
});
