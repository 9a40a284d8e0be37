/**
 * Streams rows of one or more CSV files as records keyed by the header row.
 * Differences from the original (listed in README): a UTF-8 BOM is removed from the first header, and a
 * malformed row is reported with its line number while the rest of the file is still read.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse';
import { ConfigError } from '../../errors.js';
import type { RawRecord } from '../types.js';

export interface CsvLocation {
  /** Absolute path of a file, or of a directory whose `*.csv` files are read in name order. */
  path: string;
  kind: 'file' | 'directory';
}

export async function listCsvFiles(loc: CsvLocation): Promise<string[]> {
  const stat = await fs.promises.stat(loc.path).catch(() => undefined);
  if (loc.kind === 'file') {
    if (!stat?.isFile()) throw new Error(`"${loc.path}" is not a readable file`);
    return [loc.path];
  }
  if (!stat?.isDirectory()) throw new Error(`"${loc.path}" is not a directory`);
  const names = await fs.promises.readdir(loc.path);
  return names
    .filter((n) => n.toLowerCase().endsWith('.csv'))
    .sort()
    .map((n) => path.join(loc.path, n));
}

export interface CsvRowError {
  file: string;
  line: number;
  message: string;
}

/** Yields each row; rows csv-parse cannot read are passed to onBadRow and skipped. */
export async function* readCsvFile(file: string, onBadRow: (e: CsvRowError) => void): AsyncGenerator<RawRecord> {
  // Rows come as arrays and become records here: csv-parse's own records are plain objects, in which a column
  // named "__proto__" vanishes. Every row still must have as many fields as the header.
  const parser = fs.createReadStream(file).pipe(
    parse({
      bom: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      relax_quotes: false,
    }),
  );
  parser.on('skip', (err: Error & { lines?: number }) => {
    onBadRow({ file, line: err.lines ?? 0, message: err.message.replace(/^Invalid Record Length: /, '') });
  });
  let header: string[] | undefined;
  for await (const cells of parser as AsyncIterable<string[]>) {
    if (header) yield recordOf(header, cells);
    else header = cells.map((h) => h.trim());
  }
}

/** A null-prototype record: column names are the export's text ("constructor", "__proto__" included). */
function recordOf(header: string[], cells: string[]): RawRecord {
  const record: RawRecord = Object.create(null);
  header.forEach((name, i) => {
    record[name] = cells[i];
  });
  return record;
}

/** Resolves `filename` / `directory` (mutually exclusive, one required) against the config's folder. */
export function csvLocation(filename: string, directory: string, configDir: string, section: string): CsvLocation {
  if (filename && directory) {
    throw new ConfigError({ section, key: 'filename' }, '"filename" and "directory" are mutually exclusive: set only one');
  }
  if (!filename && !directory) {
    throw new ConfigError({ section, key: 'filename' }, 'set "filename" (one CSV file) or "directory" (a folder of *.csv files)');
  }
  return filename
    ? { path: path.resolve(configDir, filename), kind: 'file' }
    : { path: path.resolve(configDir, directory), kind: 'directory' };
}
