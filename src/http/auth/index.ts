/**
 * Authentication providers for HttpClient (see AuthProvider in ../types.ts), one file per kind:
 * static credentials, session login (log in, send a token, renew, log out), OAuth2 client credentials (with a secret
 * or a signed client assertion), OAuth2 JWT bearer / client assertion, request signing.
 */
export { basicAuth, bearerToken, staticCredentials, tokenHeader, type StaticCredentials } from './static.js';
export { jsonLogin, sessionLogin, SessionLogin, type JsonLoginRequest, type SessionLoginOptions, type SessionToken, type TokenInjection } from './session.js';
export { oauth2ClientCredentials, type OAuth2ClientCredentials } from './oauth2.js';
export { CLIENT_ASSERTION_TYPE, oauth2ClientAssertion, type OAuth2ClientAssertion } from './clientAssertion.js';
export {
  APPLE_AUDIENCE,
  APPLE_TOKEN_URL,
  GOOGLE_TOKEN_URL,
  jwtBearer,
  type AppleClientAssertion,
  type GoogleServiceAccountJwt,
  type JwtBearerOptions,
  type ServiceAccountKey,
} from './jwtBearer.js';
export { signedRequests, type RequestSigner, type SignedRequestsOptions } from './signed.js';
export { awsScopeOfHost, sigV4Sign, type AwsCredentials, type AwsScope, type SigV4Options, type SigV4Request, type SigV4Result } from './sigv4.js';
export { signJwt, type JwtAlgorithm, type JwtHeader } from './jwt.js';
export { REFRESH_MARGIN_MS } from './tokenCache.js';
