/**
 * Crash points for the chaos tests (test/chaos/crashPoints.test.ts), so that a test kills the process at an exact
 * step of a durable write instead of racing a timer: with `CONNECTOR_CRASH_AT=<point>` or `<point>@<text>` in the
 * environment, the process SIGKILLs itself when it reaches `<point>` (for a file whose path contains `<text>`).
 * Points: `atomic-write:written` (src/atomicWrite.ts: the temporary file written, not yet synced or renamed: the
 * spool, the run report, state files), `offboarding:mid-write` (the next offboarding state half written) and
 * `offboarding:before-rename` (written and synced, not renamed).
 * Unset (always, outside tests) a point costs one comparison with undefined: the variable is read once at start.
 */
const CRASH_AT = process.env.CONNECTOR_CRASH_AT || undefined;

export function crashPoint(point: string, file = ''): void {
  if (CRASH_AT === undefined) return;
  const at = CRASH_AT.indexOf('@');
  const name = at < 0 ? CRASH_AT : CRASH_AT.slice(0, at);
  if (name === point && (at < 0 || file.includes(CRASH_AT.slice(at + 1)))) process.kill(process.pid, 'SIGKILL');
}
