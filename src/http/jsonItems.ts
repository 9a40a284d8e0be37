/**
 * The items of one JSON array, read from a body that arrives in chunks and parsed one at a time. JSON.parse needs
 * the whole text, so a report of gigabytes would be held twice (as text, then as objects) and beyond V8's string
 * limit (about 512 MB) could not be read at all; here only the item being read is in memory.
 *
 *   for await (const entry of jsonItems(response.body, 'Report_Entry', where)) ...
 *
 * `path` names the array by object keys from the root (`Report_Entry`, `data.items`; '' = the body is the array).
 * An object at that path is one item (as xmltodict gives a single element). The scanner only tracks nesting, strings
 * and keys; each item's text goes to JSON.parse, which checks it. Errors name where they are (line and column), so
 * a local file's reader (json_assets) can point the admin at the place to fix.
 */
import { PermanentError } from '../errors.js';

/** A place in the text: line and column count from 1 (columns in UTF-16 units), offset from 0. */
export interface JsonPosition {
  line: number;
  column: number;
  offset: number;
}

/** Why the text (or one item of it) cannot be read, and where: `reason` is the message without `where`. */
export class JsonTextError extends PermanentError {
  constructor(
    where: string,
    readonly reason: string,
    readonly position?: JsonPosition,
  ) {
    super(`${where}: ${reason}${position ? ` (line ${position.line}, column ${position.column})` : ''}`);
  }
}

export interface JsonItemScannerOptions {
  /** How messages name the text: 'the response' (default), 'the file'. */
  subject?: string;
  /**
   * A reason to refuse an item that parsed (not an object, text the caller cannot trust), or undefined to accept it.
   * `text` is the item's JSON text as it was read.
   */
  check?(item: unknown, text: string): string | undefined;
  /**
   * Items that are not valid JSON or that `check` refuses go here and are skipped: the scanner stays in step, so
   * the items after them are read. Without it, such an item throws.
   */
  onBadItem?(error: JsonTextError, index: number): void;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const STRING_END = /["\\]/g;
/** Inside an object or list item only quotes and brackets matter: jump to the next one. */
const NESTING = /["{}[\]]/g;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

interface Frame {
  array: boolean;
  /** The key whose value is being read (objects). */
  key?: string;
  expectKey: boolean;
}

/** Feeds text in pieces; returns the items each piece completed. */
export class JsonItemScanner {
  private readonly target: string[];
  private readonly frames: Frame[] = [];
  private targetDepth = -1;
  private started = false;
  private found = false;
  private finished = false;
  private inString = false;
  private escaped = false;
  /** What the current capture is: a key (while navigating) or an item. */
  private capturing: 'key' | 'item' | undefined;
  private parts: string[] = [];
  private captureFrom = 0;
  private itemDepth = 0;
  /** Where the item being captured starts. */
  private itemStart: JsonPosition = { line: 1, column: 1, offset: 0 };
  /** Position bookkeeping: offset of the current piece, the line reached and where that line starts. */
  private pieceOffset = 0;
  private scannedTo = 0;
  private line = 1;
  private lineStart = 0;
  private piece = '';
  private readonly subject: string;
  count = 0;

  constructor(
    private readonly path: string,
    private readonly where: string,
    private readonly options: JsonItemScannerOptions = {},
  ) {
    this.target = path === '' ? [] : path.split('.');
    this.subject = options.subject ?? 'the response';
  }

  feed(text: string): unknown[] {
    const out: unknown[] = [];
    this.piece = text;
    this.scannedTo = 0;
    try {
      if (!this.finished) this.scan(text, out);
    } finally {
      this.positionAt(text.length);
      this.pieceOffset += text.length;
      this.piece = '';
    }
    return out;
  }

  /** Where index `i` of the current piece is (indexes only grow within a piece). */
  private positionAt(i: number): JsonPosition {
    for (let nl = this.piece.indexOf('\n', this.scannedTo); nl !== -1 && nl < i; nl = this.piece.indexOf('\n', nl + 1)) {
      this.line++;
      this.lineStart = this.pieceOffset + nl + 1;
    }
    this.scannedTo = Math.max(this.scannedTo, i);
    const offset = this.pieceOffset + i;
    return { line: this.line, column: offset - this.lineStart + 1, offset };
  }

  private scan(text: string, out: unknown[]): void {
    for (let i = 0; i < text.length; i++) {
      if (this.inString) {
        // The character after a backslash is skipped whatever it is (an escaped quote does not end the string).
        if (this.escaped) {
          this.escaped = false;
          continue;
        }
        STRING_END.lastIndex = i;
        const m = STRING_END.exec(text);
        if (!m) break;
        i = m.index;
        if (text.charCodeAt(i) === BACKSLASH) {
          this.escaped = true;
          continue;
        }
        this.inString = false;
        if (this.capturing === 'key') this.frames[this.frames.length - 1].key = JSON.parse(this.endCapture(text, i + 1)) as string;
        else if (this.capturing === 'item' && this.itemDepth === 0) this.endItem(text, i + 1, out);
        continue;
      }
      if (this.capturing === 'item' && this.itemDepth > 0) {
        NESTING.lastIndex = i;
        const m = NESTING.exec(text);
        if (!m) break;
        i = m.index;
      }
      const c = text.charCodeAt(i);
      if (this.capturing === 'item') {
        if (c === QUOTE) this.inString = true;
        else if (c === OPEN_OBJECT || c === OPEN_ARRAY) this.itemDepth++;
        else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
          if (this.itemDepth === 0) {
            // A number or literal ended by the list's closing bracket: that bracket is read again below.
            this.endItem(text, i, out);
            i--;
          } else if (--this.itemDepth === 0) this.endItem(text, i + 1, out);
        } else if (this.itemDepth === 0 && (c === COMMA || isSpace(c))) {
          this.endItem(text, i, out);
          i--;
        }
        continue;
      }
      if (isSpace(c)) continue;
      if (!this.started) {
        if (c !== OPEN_OBJECT && c !== OPEN_ARRAY) throw this.notJson(text.slice(i), i);
        this.started = true;
      }
      if (this.targetDepth >= 0 && this.frames.length - 1 === this.targetDepth) {
        // Inside the list: every value is an item.
        if (c === CLOSE_ARRAY) {
          this.finished = true;
          return;
        }
        if (c === COMMA) continue;
        this.startItem(i);
        this.itemDepth = c === OPEN_OBJECT || c === OPEN_ARRAY ? 1 : 0;
        if (c === QUOTE) this.inString = true;
        continue;
      }
      const top = this.frames[this.frames.length - 1];
      switch (c) {
        case QUOTE:
          if (top && !top.array && top.expectKey) this.startCapture('key', i);
          else if (this.atTarget()) throw this.notAList('a string', i);
          this.inString = true;
          break;
        case COLON:
          if (top) top.expectKey = false;
          break;
        case COMMA:
          if (top && !top.array) top.expectKey = true;
          break;
        case OPEN_OBJECT:
        case OPEN_ARRAY:
          if (this.atTarget()) {
            this.found = true;
            if (c === OPEN_ARRAY) {
              this.frames.push({ array: true, expectKey: false });
              this.targetDepth = this.frames.length - 1;
            } else {
              this.startItem(i);
              this.itemDepth = 1;
            }
          } else this.frames.push({ array: c === OPEN_ARRAY, expectKey: c === OPEN_OBJECT });
          break;
        case CLOSE_OBJECT:
        case CLOSE_ARRAY:
          this.frames.pop();
          if (this.frames.length === 0) {
            this.finished = true;
            return;
          }
          break;
        default:
          // A number, true, false or null.
          if (this.atTarget()) throw this.notAList('a number, boolean or null', i);
      }
    }
    if (this.capturing) {
      this.parts.push(text.slice(this.captureFrom));
      this.captureFrom = 0;
    }
  }

  /** After the last piece: a body that ended early, or had no such list, is an error. */
  end(): void {
    if (!this.started) throw this.error(`${this.subject} is empty (expected JSON with a list at "${this.path}")`);
    if (!this.finished || this.capturing) {
      const end = { line: this.line, column: this.pieceOffset - this.lineStart + 1, offset: this.pieceOffset };
      throw this.error(`${this.subject} ended in the middle of the JSON after ${this.count} item(s) of ${this.listName()} (cut off?)`, end);
    }
    if (!this.found) throw this.error(`${this.subject} has no list at "${this.path}"`);
  }

  /** True when the value starting now sits at the target path. */
  private atTarget(): boolean {
    if (this.found) return false;
    if (this.frames.length !== this.target.length) return false;
    return this.frames.every((f, k) => !f.array && f.key === this.target[k]);
  }

  private startCapture(kind: 'key' | 'item', at: number): void {
    this.capturing = kind;
    this.parts = [];
    this.captureFrom = at;
  }

  private endCapture(text: string, end: number): string {
    this.parts.push(text.slice(this.captureFrom, end));
    const whole = this.parts.join('');
    this.parts = [];
    this.capturing = undefined;
    return whole;
  }

  private startItem(at: number): void {
    this.itemStart = this.positionAt(at);
    this.startCapture('item', at);
  }

  /** Parses the captured item into `out`, or hands it to onBadItem (throws without one). */
  private endItem(text: string, end: number, out: unknown[]): void {
    const raw = this.endCapture(text, end);
    const index = ++this.count;
    let item: unknown;
    let bad: JsonTextError | undefined;
    try {
      item = JSON.parse(raw);
      const refused = this.options.check?.(item, raw);
      if (refused !== undefined) bad = this.error(`item ${index} of ${this.listName()} ${refused}`, this.itemStart);
    } catch (err) {
      const message = (err as Error).message;
      bad = this.error(`item ${index} of ${this.listName()} is not valid JSON (${message})`, within(this.itemStart, raw, message));
    }
    if (!bad) {
      out.push(item);
      return;
    }
    if (!this.options.onBadItem) throw bad;
    this.options.onBadItem(bad, index);
  }

  private listName(): string {
    return this.path === '' ? 'the list' : `"${this.path}"`;
  }

  private error(reason: string, position?: JsonPosition): JsonTextError {
    return new JsonTextError(this.where, reason, position);
  }

  private notJson(rest: string, at: number): JsonTextError {
    const start = rest.slice(0, 60).replace(/\s+/g, ' ');
    return this.error(`${this.subject} is not JSON; it starts with "${start}"`, this.positionAt(at));
  }

  private notAList(kind: string, at: number): JsonTextError {
    return this.error(`"${this.path}" is ${kind}, not a list`, this.positionAt(at));
  }
}

/**
 * Where in the text JSON.parse found the error: V8 says "at position N" of the item's text for most errors, else
 * the item's start is the best place to look.
 */
function within(start: JsonPosition, raw: string, message: string): JsonPosition {
  const at = /at position (\d+)/.exec(message);
  if (!at) return start;
  const n = Math.min(Number(at[1]), raw.length);
  const before = raw.slice(0, n);
  const lastNewline = before.lastIndexOf('\n');
  const lines = before.split('\n').length - 1;
  return {
    line: start.line + lines,
    column: lines === 0 ? start.column + n : n - lastNewline,
    offset: start.offset + n,
  };
}

/** Yields the items of the list at `path` as the body's bytes arrive (UTF-8; a byte-order mark is dropped). */
export async function* jsonItems<T = unknown>(
  body: AsyncIterable<Uint8Array>,
  path: string,
  where: string,
  options: JsonItemScannerOptions = {},
): AsyncGenerator<T> {
  const scanner = new JsonItemScanner(path, where, options);
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of body) {
    for (const item of scanner.feed(decoder.decode(chunk, { stream: true }))) yield item as T;
  }
  for (const item of scanner.feed(decoder.decode())) yield item as T;
  scanner.end();
}
