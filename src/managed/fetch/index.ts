/**
 * The managed-mode fetch engine (README.md beside this file): what the runner imports. The contract is types.ts.
 */
export { fetchIntegration, fetchTestResponse, listAuthorization } from './fetch.js';
export { parseSaasAuthorization } from './auth.js';
export type * from './types.js';
