/**
 * The three kinds of failure, each reaching the user in its own way:
 * - ConfigError: the admin must fix the INI or a secret. Message only, exit code 2, raised before any work.
 * - TransientError: worth retrying (timeouts, connection resets, 429, 5xx); carries Retry-After when known.
 * - PermanentError: retrying will not help (other 4xx, a record the target rejects); reported and counted.
 * Anything else that escapes is a bug and is printed with its stack.
 */
export class ConnectorError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Where in the config a problem is; every part is optional because not every problem has a line. */
export interface ConfigLocation {
  file?: string;
  line?: number;
  section?: string;
  key?: string;
}

export function formatLocation(loc: ConfigLocation): string {
  const where = loc.file ? `${loc.file}${loc.line ? `:${loc.line}` : ''}` : '';
  const what = loc.section ? `[${loc.section}]${loc.key ? ` ${loc.key}` : ''}` : loc.key ?? '';
  return [where, what].filter(Boolean).join(': ');
}

export class ConfigError extends ConnectorError {
  readonly location: ConfigLocation;
  constructor(location: ConfigLocation, message: string, options?: ErrorOptions) {
    const prefix = formatLocation(location);
    super(prefix ? `${prefix}: ${message}` : message, options);
    this.location = location;
  }
}

/** Several config problems reported at once, so the admin fixes them in one pass. */
export class ConfigErrors extends ConnectorError {
  readonly errors: ConfigError[];
  constructor(errors: ConfigError[]) {
    super(
      errors.length === 1
        ? errors[0].message
        : `${errors.length} configuration problems:\n${errors.map((e) => `  - ${e.message}`).join('\n')}`,
    );
    this.errors = errors;
  }
}

export class TransientError extends ConnectorError {
  retryAfterMs?: number;
  constructor(message: string, options?: ErrorOptions & { retryAfterMs?: number }) {
    super(message, options);
    this.retryAfterMs = options?.retryAfterMs;
  }
}

export class PermanentError extends ConnectorError {}

export function isConfigError(err: unknown): err is ConfigError | ConfigErrors {
  return err instanceof ConfigError || err instanceof ConfigErrors;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The error classes of a failed delivery, in one place (summary, run report and spool use them):
 * - transient: network, timeouts, 429, 5xx, and records cut off by a stop or the circuit breaker: a replay may work;
 * - policy: 401/403, the target refused the credentials or the permission: the section stops at once;
 * - permanent: any other refusal (400, 404, 413, 422): the record must change before it can be sent;
 * - config: the admin must fix the INI or a secret.
 */
export type ErrorClass = 'transient' | 'permanent' | 'policy' | 'config';
/** The classes in the order summaries list them. */
export const ERROR_CLASSES: readonly ErrorClass[] = ['transient', 'permanent', 'policy', 'config'];

export function errorClass(err: unknown): ErrorClass {
  if (isConfigError(err)) return 'config';
  const status = (err as { status?: unknown } | undefined)?.status;
  if (typeof status === 'number') {
    if (status === 401 || status === 403) return 'policy';
    if (status === 429 || status >= 500) return 'transient';
    return 'permanent';
  }
  return err instanceof PermanentError ? 'permanent' : 'transient';
}

/** The chain of messages behind a failure, `cause` by `cause` (managed mode sends it where the original sent a traceback: no code, no secret). */
export function errorChain(err: unknown): string {
  const lines: string[] = [];
  const seen = new Set<unknown>();
  for (let at: unknown = err; at !== undefined && at !== null && !seen.has(at); at = (at as { cause?: unknown }).cause) {
    seen.add(at);
    lines.push(at instanceof Error ? `${at.name}: ${at.message}` : String(at));
    if (!(at instanceof Error)) break;
  }
  return lines.join('\nCaused by: ');
}
