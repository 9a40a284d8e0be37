/** The HTTP toolkit in one import for sources: `import { HttpClient, paginateOffset } from '../../http/index.js'`. */
export * from './types.js';
export { HttpClient } from './client.js';
export { HttpError, HttpPermanentError, HttpTransientError, safeUrl } from './httpError.js';
export { nodeTlsOptions } from './tls.js';
export { basicAuth, bearerToken, oauth2ClientCredentials, tokenHeader, type OAuth2ClientCredentials } from './auth.js';
export { nextLink, paginateCursor, paginateLinkHeader, paginateNextUrl, paginateOffset } from './paginate.js';
