/**
 * `[csv_assets]` and `[csv_users]`: rows of CSV exports. No default mappings: everything is mapped in the INI
 * (the original cannot hold server-side mappings for CSV either, but we still ask when use_server_map is on).
 */
import { fileLocation, listFiles, localFileSettings, type FileFormat } from '../localFiles.js';
import { defineSource, type Source, type SourceContext } from '../types.js';
import { userDefaultsSettings } from '../userSettings.js';
import { checkCsvHeader, readCsvFile } from './csvReader.js';

const CSV: FileFormat = { noun: 'CSV', extension: '.csv' };
const fileSettings = localFileSettings(CSV, { filename: '/some/path/to/file/assets.csv' });

function csvSource(filename: string, directory: string, encoding: string, ctx: SourceContext): Source {
  const location = fileLocation(filename, directory, ctx.configDir, ctx.section, CSV);
  const badRow = (e: { file: string; line: number; message: string }) =>
    ctx.reportFailure(`${e.file}:${e.line}`, new Error(e.message));
  return {
    async check() {
      const files = await listFiles(location, CSV);
      if (files.length === 0) return `no *.csv files in "${location.path}"`;
      for (const file of files) await checkCsvHeader(file, encoding);
      for await (const row of readCsvFile(files[0], () => undefined, encoding)) {
        return `read ${files.length} file(s); first row has columns: ${Object.keys(row).join(', ')}`;
      }
      return `"${files[0]}" has a header but no rows`;
    },
    async *read() {
      const files = await listFiles(location, CSV);
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
