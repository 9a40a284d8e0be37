/**
 * Records pushed by the worker pool (`--workers`, default 2) arrive at Oomnitza batch by batch in whatever order the
 * requests finish, so a test of more than one batch compares the records as a set: both sides sorted by their JSON.
 */
export function unordered<T>(records: readonly T[]): T[] {
  const keyed = records.map((r) => [JSON.stringify(r), r] as const);
  keyed.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return keyed.map(([, r]) => r);
}
