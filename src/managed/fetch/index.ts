/**
 * The managed-mode fetch engine (README.md beside this file): what the runner imports. The contract is types.ts.
 */
import { fetchAwsIam, usesAwsIam } from './awsIam.js';
import { fetchIntegration as fetchLevels } from './fetch.js';
import type { FetchEvent, FetchInput } from './types.js';

export { fetchTestResponse, listAuthorization } from './fetch.js';
export { parseSaasAuthorization } from './auth.js';
export type * from './types.js';

/** §9.1: the AWS IAM path when the cloud input `iam_roles` is truthy, else the levels (exploratory → pre-list → list). */
export function fetchIntegration(input: FetchInput): AsyncIterable<FetchEvent> {
  return usesAwsIam(input.integration) ? fetchAwsIam(input) : fetchLevels(input);
}
