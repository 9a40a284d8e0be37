/**
 * `[csv_assets]` and `[csv_users]`: rows of CSV exports. No default mappings: everything is mapped in the INI
 * (the original cannot hold server-side mappings for CSV either, but we still ask when use_server_map is on).
 */
import { setting } from '../../config/settings.js';
import { defineSource, type Source, type SourceContext } from '../types.js';
import { csvLocation, listCsvFiles, readCsvFile } from './csvReader.js';

const fileSettings = {
  filename: setting.path({ mustExist: 'file', description: 'CSV file to read.', example: '/some/path/to/file/assets.csv' }),
  directory: setting.path({
    mustExist: 'dir',
    description: 'Folder whose *.csv files are read in name order (mutually exclusive with filename).',
    example: '',
  }),
};

function csvSource(filename: string, directory: string, ctx: SourceContext): Source {
  const location = csvLocation(filename, directory, ctx.configDir, ctx.section);
  const badRow = (e: { file: string; line: number; message: string }) =>
    ctx.reportFailure(`${e.file}:${e.line}`, new Error(e.message));
  return {
    async check() {
      const files = await listCsvFiles(location);
      if (files.length === 0) return `no *.csv files in "${location.path}"`;
      for await (const row of readCsvFile(files[0], () => undefined)) {
        return `read ${files.length} file(s); first row has columns: ${Object.keys(row).join(', ')}`;
      }
      return `"${files[0]}" has a header but no rows`;
    },
    async *read() {
      for (const file of await listCsvFiles(location)) {
        ctx.log.info(`reading "${file}"`);
        yield* readCsvFile(file, badRow);
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
  create: (s, ctx) => csvSource(s.filename, s.directory, ctx),
});

export const csvUsers = defineSource({
  name: 'csv_users',
  title: 'Users from CSV files',
  dataType: 'users',
  mappingName: 'CSV_users',
  settings: {
    ...fileSettings,
    default_role: setting.string({ default: '25', description: 'Numeric id of the role given to imported users.' }),
    default_position: setting.string({ default: 'Employee', description: 'Position given to imported users.' }),
  },
  defaultMappings: () => ({}),
  create: (s, ctx) => csvSource(s.filename, s.directory, ctx),
});
