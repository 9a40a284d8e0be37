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
