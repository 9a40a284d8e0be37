/**
 * `[json_assets]` and `[json_users]`: records of local JSON files, one file (`filename`) or a folder of `*.json`
 * files (`directory`), with the settings of the CSV sources. No default mappings, as in the original.
 */
import { setting } from '../../config/settings.js';
import { fileLocation, listFiles, localFileSettings, type FileFormat } from '../localFiles.js';
import { defineSource, type Source, type SourceContext } from '../types.js';
import { userDefaultsSettings } from '../userSettings.js';
import { problemId, readJsonFile, type JsonFileProblem } from './jsonFileReader.js';

const JSON_FILES: FileFormat = { noun: 'JSON', extension: '.json' };

const jsonSettings = {
  // The original had only `directory` (required); a config written for it loads unchanged.
  ...localFileSettings(JSON_FILES, { directory: '/some/path/to/files/' }),
  records_path: setting.string({
    description: 'Dotted keys to the list of records in each file (e.g. data.items); empty: the file is the list, or one record.',
    check: (value) => {
      if (value.split('.').some((key) => key.trim() === '')) throw new Error(`"${value}" has an empty key; write keys separated by dots, e.g. data.items`);
    },
  }),
};

function jsonSource(s: { filename: string; directory: string; encoding: string; records_path: string }, ctx: SourceContext): Source {
  const location = fileLocation(s.filename, s.directory, ctx.configDir, ctx.section, JSON_FILES);
  const recordsPath = s.records_path.trim();
  const read = (file: string, onProblem: (p: JsonFileProblem) => void) => readJsonFile(file, { recordsPath, encoding: s.encoding, onProblem });
  const where = recordsPath ? ` at "${recordsPath}"` : '';
  return {
    async check() {
      const files = await listFiles(location, JSON_FILES);
      if (files.length === 0) return `no *.json files in "${location.path}"`;
      // The first record of every file: a file that is not JSON, or has no list at records_path, is named here.
      for (const file of files) {
        const problems: JsonFileProblem[] = [];
        let first: Record<string, unknown> | undefined;
        for await (const record of read(file, (p) => problems.push(p))) {
          first ??= record;
          break;
        }
        if (problems.length) throw new Error(`${problemId(problems[0])}: ${problems[0].message}`);
        if (files.length === 1) {
          return first ? `read "${file}"; first record has keys: ${Object.keys(first).join(', ')}` : `"${file}" has no records${where}`;
        }
      }
      return `read the first record of ${files.length} files`;
    },
    async *read() {
      const files = await listFiles(location, JSON_FILES);
      if (files.length === 0) ctx.log.warn(`no *.json files in "${location.path}": nothing to read`);
      for (const file of files) {
        ctx.log.info(`reading "${file}"`);
        yield* read(file, (p) => ctx.reportFailure(problemId(p), new Error(p.message)));
        if (ctx.signal.aborted) return;
      }
    },
  };
}

export const jsonAssets = defineSource({
  name: 'json_assets',
  title: 'Assets from JSON files',
  dataType: 'assets',
  mappingName: 'JSON-assets',
  settings: jsonSettings,
  defaultMappings: () => ({}),
  create: (s, ctx) => jsonSource(s, ctx),
});

export const jsonUsers = defineSource({
  name: 'json_users',
  title: 'Users from JSON files',
  dataType: 'users',
  mappingName: 'JSON-users',
  // The original gives default_role and default_position defaults (25, Employee), as csv_users does.
  settings: { ...jsonSettings, ...userDefaultsSettings() },
  defaultMappings: () => ({}),
  create: (s, ctx) => jsonSource(s, ctx),
});
