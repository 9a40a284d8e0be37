/** [munki_report] settings as the config loader reads them, and the record shape helpers. */
import { columnsOf, fieldNames, rowsOf } from '../../../src/sources/munki_report/munkiApi.js';
import { loadSections } from '../../helpers/loadSection.js';

const load = (ini: string) => loadSections(['munki_report', 'munki_report.b'].filter((s) => ini.includes(`[${s}]`)), ini);

test('the original\'s block (its README) loads unchanged; db_columns stay per section', async () => {
  const { sections, errors } = await load('[munki_report]\nenable = True\nurl = https://munki_report\nusername = administrator\npassword = change-me\ndb_columns = ["extra.column"]\n\n[munki_report.b]\nenable = True\nurl = https://munki.example.com\nusername = a\npassword = b');
  expect(errors).toEqual([]);
  expect(sections[0].settings).toEqual({ url: 'https://munki_report', username: 'administrator', password: 'change-me', db_columns: ['extra.column'], rate_limit_max_wait: 300 });
  expect(sections[1].settings).toMatchObject({ db_columns: [] });
  expect(columnsOf(['extra.column', 'machine.hostname'])).toHaveLength(9);
  expect(columnsOf([])).toHaveLength(8);
});

test.each([
  ['db_columns = {"a": 1}', 'config.ini:10: [munki_report] db_columns: must be a JSON list of "table.column" names'],
  ['db_columns = [oops', 'config.ini:10: [munki_report] db_columns: not valid JSON'],
])('refused: %j', async (line, message) => {
  const { errors } = await load(`[munki_report]\nenable = True\nurl = https://munki.example.com\nusername = a\npassword = b\n${line}`);
  expect(errors).toEqual([expect.stringContaining(message)]);
});

test('field names: from sql as the original parsed it, else from the columns sent; a new object per row', () => {
  const sql = 'SELECT `machine`.`serial_number`,`reportdata`.`timestamp`        FROM reportdata LEFT JOIN machine USING (serial_number)';
  expect(fieldNames(sql, [])).toEqual(['serial_number', 'timestamp']);
  expect(fieldNames(undefined, ['machine.serial_number', 'reportdata.time-stamp', 'bare'])).toEqual(['serial_number', 'timestamp', 'bare']);
  const rows = rowsOf({ data: [['A', 1], ['B', 2]] }, ['machine.serial_number', 'reportdata.timestamp'], 'w');
  expect(rows).toEqual([{ serial_number: 'A', timestamp: 1 }, { serial_number: 'B', timestamp: 2 }]);
  expect(rows[0]).not.toBe(rows[1]);
  expect(rowsOf({ data: [] }, [], 'w')).toEqual([]);
  expect(() => rowsOf({ error: 'boom' }, [], 'w')).toThrow(/w: MunkiReport could not run the query: boom/);
});
