/**
 * BambooHR employees `[bamboohr]`: the company's employee directory in one call,
 * GET {url}/{system_name}/v1/employees/directory (https://documentation.bamboohr.com/reference/get-employees-directory-1).
 * Records are the `employees[]` entries as BambooHR sends them (`workEmail`, `jobTitle`, ...), as in the original.
 */
import { PermanentError } from '../../errors.js';
import { defineSource, type RawRecord } from '../types.js';
import { bamboohrClient, checkSystemName } from './api.js';
import { BAMBOOHR_DEFAULT_MAPPINGS } from './mappings.js';
import { bamboohrSettings } from './settings.js';

const DIRECTORY = '/v1/employees/directory';

export const bamboohr = defineSource({
  name: 'bamboohr',
  title: 'BambooHR employees (employee directory)',
  dataType: 'users',
  mappingName: 'BambooHR',
  settings: bamboohrSettings,
  defaultMappings: () => ({ ...BAMBOOHR_DEFAULT_MAPPINGS }),
  create(settings, ctx) {
    const company = checkSystemName(settings.system_name, ctx.section);
    const api = bamboohrClient(settings, company, ctx);
    const directory = async (retry?: { retries: number }): Promise<RawRecord[]> => {
      const body = await api.getJson<{ employees?: unknown }>(DIRECTORY, { retry, signal: ctx.signal });
      if (!Array.isArray(body?.employees)) {
        throw new PermanentError(`[${ctx.section}] BambooHR answered ${DIRECTORY} for "${company}" without an "employees" list`);
      }
      return body.employees as RawRecord[];
    };

    return {
      async check() {
        // BambooHR has no "first record" call: the probe reads the directory, with one retry at most so that an
        // unreachable server is reported quickly.
        const employees = await directory({ retries: 1 });
        const who = `authenticated to BambooHR company "${company}"`;
        if (employees.length === 0) {
          throw new PermanentError(`[${ctx.section}] ${who}, but the employee directory is empty: the user who created the API key may see no employees`);
        }
        const first = employees[0] as { id?: unknown; displayName?: unknown; workEmail?: unknown };
        return `${who}; ${employees.length} employee(s) in the directory; read employee ${String(first.id)} "${String(first.displayName ?? first.workEmail ?? '')}"`;
      },

      async *read() {
        yield* await directory();
      },
    };
  },
});
