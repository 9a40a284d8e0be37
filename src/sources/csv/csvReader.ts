/**
 * Streams rows of one or more CSV files as records keyed by the header row.
 * Differences from the original (listed in README): a byte order mark is removed from the first header, and a
 * malformed row is reported with its line number while the rest of the file is still read. Input that cannot be
 * read correctly is never altered: a row with bytes that are not valid in the file's encoding fails (file:line),
 * and a header that cannot be trusted (a repeated column, invalid bytes) stops the file before any row is read.
 */
import fs from 'node:fs';
import { withRecordOrigin } from '../../recordOrigin.js';
import type { RawRecord } from '../types.js';
import { newFieldsObject } from '../../records.js';
import { CsvParser, type CsvRecord } from './csvParser.js';
import { FileTextDecoder, describeInvalid, findInvalid } from '../fileEncodings.js';

export interface CsvRowError {
  file: string;
  line: number;
  message: string;
}

/** A file that cannot be read at all (its header is unusable): the section fails, naming file and line. */
export class CsvFileError extends Error {}

/** Column names of a header row; unnamed columns ("a,,b", trailing commas) are kept as undefined and not read. */
type Header = Array<string | undefined>;

/**
 * Records of a file as the parser finds them, decoded with `encoding`: one array per chunk of the file, so that
 * the readers above pay one await per chunk (~64 KB) instead of one per row (measured, issue 19). `marked`: some
 * text decoded so far holds a mark of an invalid byte (fileEncodings.ts). Until one does, no field can hold one, so
 * the fields need not be searched one by one (one search per chunk instead of 15 per row: issue 19).
 */
async function* parseFile(file: string, encoding: string): AsyncGenerator<{ records: CsvRecord[]; encoding: string; marked: boolean }> {
  const decoder = new FileTextDecoder(encoding);
  const parser = new CsvParser();
  const stream = fs.createReadStream(file);
  let marked = false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let text: string;
      try {
        text = decoder.write(chunk);
      } catch (err) {
        throw new CsvFileError(`${file}:1: ${(err as Error).message}`);
      }
      marked ||= findInvalid(text) !== undefined;
      const records = parser.push(text);
      if (records.length) yield { records, encoding: decoder.effectiveEncoding, marked };
    }
    const tail = decoder.end();
    marked ||= findInvalid(tail) !== undefined;
    const records = [...parser.push(tail), ...parser.end()];
    if (records.length) yield { records, encoding: decoder.effectiveEncoding, marked };
  } finally {
    stream.destroy();
  }
}

/** Why a record's text cannot be trusted (bytes invalid in the encoding), naming the column; undefined if it can. */
function invalidText(fields: string[], header: Header | undefined, encoding: string): string | undefined {
  for (let i = 0; i < fields.length; i++) {
    const bad = findInvalid(fields[i]);
    if (!bad) continue;
    const column = header?.[i] !== undefined ? `column ${JSON.stringify(header[i])}` : `column ${i + 1}`;
    return `${describeInvalid(bad.unit, encoding)} in ${column} is not valid ${encoding}; set "encoding" for this section if the file is not ${encoding}`;
  }
  return undefined;
}

function readHeader(file: string, record: CsvRecord, encoding: string): Header {
  const where = `${file}:${record.line}`;
  if (record.error) throw new CsvFileError(`${where}: the header row is malformed: ${record.error}`);
  const invalid = invalidText(record.fields, undefined, encoding);
  if (invalid) throw new CsvFileError(`${where}: the header row cannot be read: ${invalid}`);
  if (record.fields.some((f) => f.includes('\0'))) {
    throw new CsvFileError(`${where}: the header row contains NUL characters; if the file is UTF-16, set encoding = utf-16le`);
  }
  const header: Header = [];
  const seen = new Map<string, number>();
  record.fields.forEach((raw, i) => {
    const name = raw.trim();
    if (name === '') return header.push(undefined);
    const first = seen.get(name);
    // Silently keeping one of the two would push the other column's values under this name.
    if (first !== undefined) throw new CsvFileError(`${where}: column ${JSON.stringify(name)} appears twice in the header (columns ${first + 1} and ${i + 1}); rename one`);
    seen.set(name, i);
    header.push(name);
  });
  return header;
}

/** A record without Object.prototype (newFieldsObject): column names are the export's text ("constructor", "__proto__" included). */
function toRow(header: Header, fields: string[]): RawRecord {
  const row: RawRecord = newFieldsObject();
  for (let i = 0; i < header.length; i++) {
    const name = header[i];
    if (name !== undefined) row[name] = fields[i];
  }
  return row;
}

/** Reads only the header of `file` (to refuse a bad one before any file of the section is read); throws CsvFileError. */
export async function checkCsvHeader(file: string, encoding: string): Promise<string[]> {
  for await (const { records, encoding: used } of parseFile(file, encoding)) {
    return readHeader(file, records[0], used).filter((n): n is string => n !== undefined);
  }
  return [];
}

/**
 * Yields each row, marked with its `file:line` (the line where the row starts, multi-line cells counted), the same
 * place a bad row is reported at; rows that cannot be read correctly are passed to onBadRow and skipped.
 */
export async function* readCsvFile(file: string, onBadRow: (e: CsvRowError) => void, encoding = 'utf-8'): AsyncGenerator<RawRecord> {
  let header: Header | undefined;
  for await (const { records, encoding: used, marked } of parseFile(file, encoding)) {
    for (const record of records) {
      if (!header) {
        header = readHeader(file, record, used);
        continue;
      }
      if (record.error) {
        onBadRow({ file, line: record.line, message: record.error });
        continue;
      }
      const invalid = marked ? invalidText(record.fields, header, used) : undefined;
      if (invalid) {
        onBadRow({ file, line: record.line, message: invalid });
        continue;
      }
      if (record.fields.length !== header.length) {
        onBadRow({ file, line: record.line, message: `the header has ${header.length} columns, this row has ${record.fields.length}` });
        continue;
      }
      yield withRecordOrigin(toRow(header, record.fields), `${file}:${record.line}`);
    }
  }
}
