/**
 * The items of one JSON array, read from a body that arrives in chunks and parsed one at a time. JSON.parse needs
 * the whole text, so a report of gigabytes would be held twice (as text, then as objects) and beyond V8's string
 * limit (about 512 MB) could not be read at all; here only the item being read is in memory.
 *
 *   for await (const entry of jsonItems(response.body, 'Report_Entry', where)) ...
 *
 * `path` names the array by object keys from the root (`Report_Entry`, `data.items`; '' = the body is the array).
 * An object at that path is one item (as xmltodict gives a single element). The scanner only tracks nesting, strings
 * and keys; each item's text goes to JSON.parse, which checks it.
 */
import { PermanentError } from '../errors.js';

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
  count = 0;

  constructor(
    private readonly path: string,
    private readonly where: string,
  ) {
    this.target = path === '' ? [] : path.split('.');
  }

  feed(text: string): unknown[] {
    const out: unknown[] = [];
    if (this.finished) return out;
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
        else if (this.capturing === 'item' && this.itemDepth === 0) out.push(this.endItem(text, i + 1));
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
            out.push(this.endItem(text, i));
            i--;
          } else if (--this.itemDepth === 0) out.push(this.endItem(text, i + 1));
        } else if (this.itemDepth === 0 && (c === COMMA || isSpace(c))) {
          out.push(this.endItem(text, i));
          i--;
        }
        continue;
      }
      if (isSpace(c)) continue;
      if (!this.started) {
        if (c !== OPEN_OBJECT && c !== OPEN_ARRAY) throw this.notJson(text.slice(i));
        this.started = true;
      }
      if (this.targetDepth >= 0 && this.frames.length - 1 === this.targetDepth) {
        // Inside the list: every value is an item.
        if (c === CLOSE_ARRAY) {
          this.finished = true;
          return out;
        }
        if (c === COMMA) continue;
        this.startCapture('item', i);
        this.itemDepth = c === OPEN_OBJECT || c === OPEN_ARRAY ? 1 : 0;
        if (c === QUOTE) this.inString = true;
        continue;
      }
      const top = this.frames[this.frames.length - 1];
      switch (c) {
        case QUOTE:
          if (top && !top.array && top.expectKey) this.startCapture('key', i);
          else if (this.atTarget()) throw this.notAList('a string');
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
              this.startCapture('item', i);
              this.itemDepth = 1;
            }
          } else this.frames.push({ array: c === OPEN_ARRAY, expectKey: c === OPEN_OBJECT });
          break;
        case CLOSE_OBJECT:
        case CLOSE_ARRAY:
          this.frames.pop();
          if (this.frames.length === 0) {
            this.finished = true;
            return out;
          }
          break;
        default:
          // A number, true, false or null.
          if (this.atTarget()) throw this.notAList('a number, boolean or null');
      }
    }
    if (this.capturing) {
      this.parts.push(text.slice(this.captureFrom));
      this.captureFrom = 0;
    }
    return out;
  }

  /** After the last piece: a body that ended early, or had no such list, is an error. */
  end(): void {
    if (!this.started) throw new PermanentError(`${this.where}: the response is empty (expected JSON with a list at "${this.path}")`);
    if (!this.finished || this.capturing) {
      throw new PermanentError(`${this.where}: the response ended in the middle of the JSON after ${this.count} item(s) of "${this.path}" (cut off?)`);
    }
    if (!this.found) throw new PermanentError(`${this.where}: the response has no list at "${this.path}"`);
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

  private endItem(text: string, end: number): unknown {
    const raw = this.endCapture(text, end);
    this.count++;
    try {
      return JSON.parse(raw);
    } catch (err) {
      throw new PermanentError(`${this.where}: item ${this.count} of "${this.path}" is not valid JSON (${(err as Error).message})`);
    }
  }

  private notJson(rest: string): PermanentError {
    const start = rest.slice(0, 60).replace(/\s+/g, ' ');
    return new PermanentError(`${this.where}: the response is not JSON; it starts with "${start}"`);
  }

  private notAList(kind: string): PermanentError {
    return new PermanentError(`${this.where}: "${this.path}" is ${kind}, not a list`);
  }
}

/** Yields the items of the list at `path` as the body's bytes arrive (UTF-8; a byte-order mark is dropped). */
export async function* jsonItems<T = unknown>(body: AsyncIterable<Uint8Array>, path: string, where: string): AsyncGenerator<T> {
  const scanner = new JsonItemScanner(path, where);
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of body) {
    for (const item of scanner.feed(decoder.decode(chunk, { stream: true }))) yield item as T;
  }
  for (const item of scanner.feed(decoder.decode())) yield item as T;
  scanner.end();
}
