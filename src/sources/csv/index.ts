/**
 * `[csv_assets]` and `[csv_users]`: rows of CSV exports. No default mappings: everything is mapped in the INI
 * (the original cannot hold server-side mappings for CSV either, but we still ask when use_server_map is on).
 */
import { setting } from '../../config/settings.js';
import { defineSource, type Source, type SourceContext } from '../types.js';
import { userDefaultsSettings } from '../userSettings.js';
import { checkCsvHeader, csvLocation, listCsvFiles, readCsvFile } from './csvReader.js';
import { CSV_ENCODINGS, encodingAlias } from './encodings.js';

/** A choice that also takes the usual other spellings (utf8, iso-8859-1, utf16le). */
const encodingSetting = (() => {
  const choice = setting.choice(CSV_ENCODINGS, {
    default: 'utf-8',
    description: 'Character encoding of the files: utf-8, latin1, cp1252 (= windows-1252) or utf-16le. A byte order mark wins.',
  });
  return { ...choice, parse: (raw: string) => choice.parse(encodingAlias(raw)) };
})();

const fileSettings = {
  filename: setting.path({ mustExist: 'file', description: 'CSV file to read.', example: '/some/path/to/file/assets.csv' }),
  directory: setting.path({
    mustExist: 'dir',
    description: 'Folder whose *.csv files are read in name order (mutually exclusive with filename).',
    example: '',
  }),
  encoding: encodingSetting,
};

function csvSource(filename: string, directory: string, encoding: string, ctx: SourceContext): Source {
  const location = csvLocation(filename, directory, ctx.configDir, ctx.section);
  const badRow = (e: { file: string; line: number; message: string }) =>
    ctx.reportFailure(`${e.file}:${e.line}`, new Error(e.message));
  return {
    async check() {
      const files = await listCsvFiles(location);
      if (files.length === 0) return `no *.csv files in "${location.path}"`;
      for (const file of files) await checkCsvHeader(file, encoding);
      for await (const row of readCsvFile(files[0], () => undefined, encoding)) {
        return `read ${files.length} file(s); first row has columns: ${Object.keys(row).join(', ')}`;
      }
      return `"${files[0]}" has a header but no rows`;
    },
    async *read() {
      const files = await listCsvFiles(location);
      // Every header first: a file that cannot be read stops the section before any record of it is pushed.
      for (const file of files) await checkCsvHeader(file, encoding);
      for (const file of files) {
        ctx.log.info(`reading "${file}"`);
        yield* readCsvFile(file, badRow, encoding);
        if (ctx.signal.aborted) return;
      }
    },
  };
}

export const csvAssets = defineSource({
  name: 'csv_assets',
  title: 'Assets from CSV files',
  dataType: 'assets',
  mappingName: 'CSV_assets',
  settings: fileSettings,
  defaultMappings: () => ({}),
  create: (s, ctx) => csvSource(s.filename, s.directory, s.encoding, ctx),
});

export const csvUsers = defineSource({
  name: 'csv_users',
  title: 'Users from CSV files',
  dataType: 'users',
  mappingName: 'CSV_users',
  settings: {
    ...fileSettings,
    ...userDefaultsSettings(),
  },
  defaultMappings: () => ({}),
  create: (s, ctx) => csvSource(s.filename, s.directory, s.encoding, ctx),
});
