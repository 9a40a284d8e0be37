/**
 * DefinitelyTyped has no @types/mssql for mssql 10 or 11: its 9.1 line is the one for mssql up to 11 (12.x types
 * describe mssql 12). mssql 11 reads `validateConnection` (lib/base/connection-pool.js: true unless set), which
 * those types lack; declared here until the driver and its types move to 12 together.
 */
import 'mssql';

declare module 'mssql' {
  interface config {
    /** false: do not run `SELECT 1` on every connection taken from the pool. */
    validateConnection?: boolean;
  }
}
