/** A CMDB of `n` computers for the [servicenow_cmdb] tests: computer i as in ../servicenow/data.ts, retired when i % 7 == 0. */
import type { Row } from '../../support/fakeServiceNow.js';
import { computerRow, softwareRows } from '../servicenow/data.js';

export const retired = (i: number) => i % 7 === 0;

export function cmdbTables(n: number): Record<string, Row[]> {
  const ids = Array.from({ length: n }, (_, k) => k + 1);
  const computer = (i: number): Row => ({ ...computerRow(i), install_status: retired(i) ? { value: '7', display_value: 'Retired' } : { value: '1', display_value: 'Installed' } });
  return {
    cmdb_ci_computer: [...ids].reverse().map(computer),
    cmdb_software_instance: ids.flatMap(softwareRows),
  };
}
