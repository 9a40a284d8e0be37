/**
 * Streams the records of one JSON file: the list at `recordsPath` (or the file itself when it is a list), read item
 * by item so that a file of gigabytes is never held whole (the kit's JsonItemScanner; only the record being read is
 * in memory). As the original: a file holding one object is one record.
 * A record that cannot be used (not an object, not valid JSON, bytes that are not valid in the file's encoding) is
 * reported as `file:line:column` and the records after it are still read; a file whose JSON breaks off (cut off,
 * unbalanced, not JSON at all) is reported the same way and its remaining records are lost, since no reader can
 * find the next record in it with certainty.
 */
import fs from 'node:fs';
import { JsonItemScanner, JsonTextError, type JsonPosition } from '../../http/index.js';
import { FileTextDecoder, describeInvalid, findInvalid } from '../fileEncodings.js';
import type { RawRecord } from '../types.js';

export interface JsonFileProblem {
  file: string;
  position?: JsonPosition;
  message: string;
}

export interface JsonFileOptions {
  /** Dotted object keys to the list of records (`data.items`); '' = the file is the list (or one record). */
  recordsPath: string;
  encoding: string;
  /** A record or file that cannot be read: reported, and the reading goes on. */
  onProblem(problem: JsonFileProblem): void;
}

/** `file:line:column`, or the file alone when the problem has no place (an empty file). */
export function problemId(p: JsonFileProblem): string {
  return p.position ? `${p.file}:${p.position.line}:${p.position.column}` : p.file;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'string' ? 'a string' : typeof value === 'number' ? 'a number' : typeof value === 'boolean' ? 'a boolean' : typeof value;
}

/** Why a record's text cannot be trusted (bytes that were invalid in the encoding), or undefined. */
function invalidText(text: string, encoding: string): string | undefined {
  const bad = findInvalid(text);
  if (!bad) return undefined;
  return `contains ${describeInvalid(bad.unit, encoding)}, which is not valid ${encoding}; set "encoding" for this section if the file is not ${encoding}`;
}

/** Yields each record of `file`; problems go to `onProblem` (never thrown), so one bad file does not stop the others. */
export async function* readJsonFile(file: string, opts: JsonFileOptions): AsyncGenerator<RawRecord> {
  const report = (err: JsonTextError) => opts.onProblem({ file, position: err.position, message: err.reason });
  const decoder = new FileTextDecoder(opts.encoding);
  const scanner = new JsonItemScanner(opts.recordsPath, file, {
    subject: 'the file',
    check: (item, text) =>
      item === null || typeof item !== 'object' || Array.isArray(item)
        ? `is ${kindOf(item)}, not an object (a record)`
        : invalidText(text, decoder.effectiveEncoding),
    onBadItem: report,
  });
  const stream = fs.createReadStream(file);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      for (const record of scanner.feed(decoder.write(chunk))) yield record as RawRecord;
    }
    for (const record of scanner.feed(decoder.end())) yield record as RawRecord;
    scanner.end();
  } catch (err) {
    if (err instanceof JsonTextError) return report(err);
    // The decoder refuses UTF-16BE; a read error (permissions, a file removed meanwhile) names the file too.
    opts.onProblem({ file, message: (err as Error).message });
  } finally {
    stream.destroy();
  }
}
