/**
 * The token endpoint of Microsoft Entra ID for app-only tokens, POST /{tenant}/oauth2/v2.0/token
 * (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow). It checks the tenant,
 * the grant, the client id and the scope, then the client's credential in one of its two forms:
 * - `client_secret`: compared with the app's secret (AADSTS7000215 when wrong);
 * - `client_assertion` (https://learn.microsoft.com/entra/identity-platform/certificate-credentials): the JWT's
 *   `x5t` must name a certificate registered on the app (AADSTS700027), its RS256 signature must verify with that
 *   certificate's public key (AADSTS700027), `aud` must be this token endpoint, `iss` and `sub` the client id, and
 *   now must lie within nbf..exp (AADSTS700024).
 * Failures carry Entra ID's body (error, error_description with trace lines, error_codes, ...). Issued tokens are
 * opaque and remembered with the app's application permissions (the token's roles) and their expiry.
 */
import crypto, { X509Certificate } from 'node:crypto';
import { randomBytes, randomUUID } from 'node:crypto';
import type { RecordedRequest, TestResponse } from './httpTestServer.js';

export interface EntraAppOptions {
  tenantId: string;
  /** The tenant's initial domain; also accepted in the token path. */
  domain: string;
  clientId: string;
  clientSecret: string;
  /** PEM certificates registered on the app (Certificates & secrets > Certificates). */
  certificates: string[];
  /** Application permissions consented for the app (the token's roles). */
  permissions: string[];
  tokenLifetimeSec: number;
  /** The resource the app may ask tokens for (scope = resource + '/.default'). */
  resource: string;
  /** ms since the epoch; default Date.now. */
  now?: () => number;
}

export interface IssuedAccess {
  expires: number;
  roles: string[];
}

export interface DecodedAssertion {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Clock skew Entra ID tolerates on nbf (unverified; 5 minutes is the usual allowance). */
const SKEW_S = 300;

/** Entra ID's OAuth error body: the AADSTS line, then trace lines, and the error code list. */
export function aadError(status: number, error: string, code: number, text: string): TestResponse {
  const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  const trace = randomUUID();
  const correlation = randomUUID();
  return {
    status,
    json: {
      error,
      error_description: `AADSTS${code}: ${text}\r\nTrace ID: ${trace}\r\nCorrelation ID: ${correlation}\r\nTimestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: trace,
      correlation_id: correlation,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

export class FakeTokenEndpoint {
  readonly tokens = new Map<string, IssuedAccess>();
  /** Every client assertion received, decoded (valid or not). */
  readonly assertions: DecodedAssertion[] = [];
  issued = 0;
  private readonly certificates: Array<{ x5t: string; thumbprint: string; publicKey: crypto.KeyObject }>;

  constructor(
    private readonly o: EntraAppOptions,
    private readonly baseUrl: () => string,
  ) {
    this.certificates = o.certificates.map((pem) => {
      const cert = new X509Certificate(pem);
      return { x5t: crypto.createHash('sha1').update(cert.raw).digest('base64url'), thumbprint: cert.fingerprint.replace(/:/g, ''), publicKey: cert.publicKey };
    });
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  handle(req: RecordedRequest): TestResponse {
    const o = this.o;
    const tenant = decodeURIComponent(req.path.split('/')[1]);
    if (tenant !== o.tenantId && tenant !== o.domain) {
      return aadError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`);
    }
    if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return aadError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.");
    }
    const form = new URLSearchParams(req.body);
    if (form.get('grant_type') !== 'client_credentials') {
      return aadError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    }
    const clientId = form.get('client_id') ?? '';
    if (clientId !== o.clientId) {
      return aadError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${o.domain}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`);
    }
    const scope = form.get('scope') ?? '';
    if (!scope.endsWith('/.default')) {
      return aadError(400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
    }
    if (scope !== `${o.resource}/.default`) {
      return aadError(400, 'invalid_resource', 500011, `The resource principal named ${scope.replace(/\/\.default$/, '')} was not found in the tenant named ${o.domain}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`);
    }
    const secret = form.get('client_secret');
    const assertion = form.get('client_assertion');
    if (secret && assertion) return aadError(400, 'invalid_request', 90023, "The request may contain either 'client_secret' or 'client_assertion', not both.");
    if (assertion !== null) {
      const refused = this.checkAssertion(form, assertion, `${this.baseUrl()}${req.path}`);
      if (refused) return refused;
    } else if (!secret) {
      return aadError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    } else if (secret !== o.clientSecret) {
      return aadError(401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${o.clientId}'.`);
    }
    const access = randomBytes(32).toString('base64url');
    this.tokens.set(access, { expires: this.now() + o.tokenLifetimeSec * 1000, roles: o.permissions });
    this.issued++;
    return { json: { token_type: 'Bearer', expires_in: o.tokenLifetimeSec, ext_expires_in: o.tokenLifetimeSec, access_token: access } };
  }

  /** The refusal of a client assertion, or undefined when it is good. `endpoint` is the URL it was posted to. */
  private checkAssertion(form: URLSearchParams, jwt: string, endpoint: string): TestResponse | undefined {
    const o = this.o;
    if (form.get('client_assertion_type') !== ASSERTION_TYPE) {
      return aadError(400, 'invalid_request', 50027, `Invalid client_assertion_type '${form.get('client_assertion_type') ?? ''}'.`);
    }
    const parts = jwt.split('.');
    let decoded: DecodedAssertion;
    try {
      if (parts.length !== 3) throw new Error('parts');
      decoded = { header: JSON.parse(Buffer.from(parts[0], 'base64url').toString()), claims: JSON.parse(Buffer.from(parts[1], 'base64url').toString()) };
    } catch {
      return aadError(400, 'invalid_request', 50027, 'JWT token is invalid or malformed.');
    }
    this.assertions.push(decoded);
    const { header, claims } = decoded;
    if (header.alg !== 'RS256' && header.alg !== 'PS256') return aadError(400, 'invalid_request', 50027, `JWT token is invalid or malformed: unsupported algorithm '${String(header.alg)}'.`);
    const cert = this.certificates.find((c) => c.x5t === header.x5t);
    if (!cert) {
      const used = typeof header.x5t === 'string' ? Buffer.from(header.x5t, 'base64url').toString('hex').toUpperCase() : '';
      return aadError(401, 'invalid_client', 700027, `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${used}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${o.clientId}'. Review the documentation at https://docs.microsoft.com/en-us/graph/deployments if you are using a national cloud.]`);
    }
    const input = Buffer.from(`${parts[0]}.${parts[1]}`);
    const signature = Buffer.from(parts[2], 'base64url');
    const good = header.alg === 'PS256'
      ? crypto.verify('sha256', input, { key: cert.publicKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature)
      : crypto.verify('sha256', input, cert.publicKey, signature);
    if (!good) return aadError(401, 'invalid_client', 700027, 'Client assertion failed signature validation.');
    if (claims.aud !== endpoint) {
      return aadError(401, 'invalid_client', 50027, `Invalid JWT token. The audience '${String(claims.aud)}' of the client assertion is not the token endpoint '${endpoint}'.`);
    }
    if (claims.iss !== o.clientId || claims.sub !== o.clientId) {
      return aadError(401, 'invalid_client', 700021, "Client assertion application identifier doesn't match 'client_id' parameter.");
    }
    const now = Math.floor(this.now() / 1000);
    if (typeof claims.exp !== 'number' || claims.exp <= now || (typeof claims.nbf === 'number' && claims.nbf > now + SKEW_S)) {
      const at = (s: unknown) => (typeof s === 'number' ? new Date(s * 1000).toISOString() : 'none');
      return aadError(401, 'invalid_client', 700024, `Client assertion is not within its valid time range. Current time: ${at(now)}, assertion valid from ${at(claims.nbf)}, expiry time of assertion ${at(claims.exp)}. Review the documentation at https://docs.microsoft.com/azure/active-directory/develop/active-directory-certificate-credentials .`);
    }
    return undefined;
  }
}
