/** Which failures of a per-item Graph call stop a fan-out instead of being reported for one item. */
import { isAuthFailure } from '../../http/index.js';
import { GraphPermissionError } from './explain.js';

/** Bad credentials (the kit's rule) and a missing permission: either would fail every item alike. */
export function isFatalForGraph(error: unknown): boolean {
  return isAuthFailure(error) || error instanceof GraphPermissionError;
}
