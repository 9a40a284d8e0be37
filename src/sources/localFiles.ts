/**
 * What every source of local export files shares ([csv_assets], [csv_users], [json_assets], [json_users]): one file
 * (`filename`) or a folder of them (`directory`, mutually exclusive), the `encoding` setting, and the listing of
 * a folder's files in name order. The format (CSV, JSON) only changes the words and the file extension.
 */
import fs from 'node:fs';
import path from 'node:path';
import { setting } from '../config/settings.js';
import { ConfigError } from '../errors.js';
import { FILE_ENCODINGS, encodingAlias } from './fileEncodings.js';

export interface FileFormat {
  /** How messages name the files: `CSV`, `JSON`. */
  noun: string;
  /** Lower case, with the dot: `.csv`. A folder's files are those whose names end so, in any case. */
  extension: string;
}

export interface FileLocation {
  /** Absolute path of a file, or of a directory whose files of the format are read in name order. */
  path: string;
  kind: 'file' | 'directory';
}

/** A choice that also takes the usual other spellings (utf8, iso-8859-1, utf16le). */
function encodingSetting() {
  const choice = setting.choice(FILE_ENCODINGS, {
    default: 'utf-8',
    description: 'Character encoding of the files: utf-8, latin1, cp1252 (= windows-1252) or utf-16le. A byte order mark wins.',
  });
  return { ...choice, parse: (raw: string) => choice.parse(encodingAlias(raw)) };
}

/** `filename`, `directory` and `encoding`, worded for the format; the examples are what generate-ini prints. */
export function localFileSettings(format: FileFormat, examples: { filename?: string; directory?: string }) {
  return {
    filename: setting.path({ mustExist: 'file', description: `${format.noun} file to read.`, example: examples.filename ?? '' }),
    directory: setting.path({
      mustExist: 'dir',
      description: `Folder whose *${format.extension} files are read in name order (mutually exclusive with filename).`,
      example: examples.directory ?? '',
    }),
    encoding: encodingSetting(),
  };
}

/** Resolves `filename` / `directory` (mutually exclusive, one required) against the config's folder. */
export function fileLocation(filename: string, directory: string, configDir: string, section: string, format: FileFormat): FileLocation {
  if (filename && directory) {
    throw new ConfigError({ section, key: 'filename' }, '"filename" and "directory" are mutually exclusive: set only one');
  }
  if (!filename && !directory) {
    throw new ConfigError({ section, key: 'filename' }, `set "filename" (one ${format.noun} file) or "directory" (a folder of *${format.extension} files)`);
  }
  return filename
    ? { path: path.resolve(configDir, filename), kind: 'file' }
    : { path: path.resolve(configDir, directory), kind: 'directory' };
}

/** The file, or the folder's files of the format in name order; throws when one cannot be read. */
export async function listFiles(loc: FileLocation, format: FileFormat): Promise<string[]> {
  const stat = await fs.promises.stat(loc.path).catch(() => undefined);
  if (loc.kind === 'file') {
    if (!stat?.isFile()) throw new Error(`"${loc.path}" is not a readable file`);
    return [loc.path];
  }
  if (!stat?.isDirectory()) throw new Error(`"${loc.path}" is not a directory`);
  const names = await fs.promises.readdir(loc.path);
  const files: string[] = [];
  for (const name of names.filter((n) => n.toLowerCase().endsWith(format.extension)).sort()) {
    const file = path.join(loc.path, name);
    // Regular files only (symlinks followed): reading a FIFO named *.csv would wait forever.
    if (!(await fs.promises.stat(file).catch(() => undefined))?.isFile()) throw new Error(`"${file}" is not a readable file`);
    files.push(file);
  }
  return files;
}
