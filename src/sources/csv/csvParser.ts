/**
 * An RFC 4180 CSV parser (comma, double quotes, "" inside quotes) that knows on which line every record starts.
 *
 * Why not csv-parse: it counts a CRLF inside a quoted field as two lines (so every later line number is wrong in
 * an Excel export with multi-line cells), and it reports an unterminated quote at the last line of the file,
 * while the admin needs the line where the quote opened. This parser counts \n, \r\n and \r once each, inside
 * quotes or not, and keeps going after a malformed record so that one bad row costs one row.
 *
 * Empty lines are skipped. Text is parsed as it streams in: push() each decoded chunk, then end().
 */

export interface CsvRecord {
  /** Line on which the record starts (1-based). */
  line: number;
  fields: string[];
  /** Set when the record is malformed; the fields are then what could be read. */
  error?: string;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** A quote inside a quoted field: the field's end, or the first half of "". */
  QuoteSeen,
}

export class CsvParser {
  private state = State.FieldStart;
  private line = 1;
  /** The previous chunk ended with \r: a \n starting this one belongs to the same line break. */
  private afterCR = false;
  private atLineStart = true;
  private field = '';
  private fields: string[] = [];
  private recordLine = 0;
  private quoteLine = 0;
  private error: string | undefined;

  push(text: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    let i = 0;
    if (this.afterCR) {
      this.afterCR = false;
      if (text.charCodeAt(0) === LF) {
        if (this.state === State.Quoted) this.field += '\n';
        i = 1;
      }
    }
    // Start of the part of the current field not yet copied into this.field.
    let from = i;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== CR && c !== LF) this.atLineStart = false;
      switch (this.state) {
        case State.Quoted:
          if (c === QUOTE) {
            this.field += text.slice(from, i);
            this.state = State.QuoteSeen;
          } else if (c === CR || c === LF) {
            i = this.lineBreak(text, i);
          }
          break;
        case State.QuoteSeen:
          if (c === QUOTE) {
            this.field += '"';
            this.state = State.Quoted;
            from = i + 1;
          } else if (c === COMMA) {
            this.endField(State.FieldStart);
          } else if (c === CR || c === LF) {
            this.endField(State.FieldStart);
            this.endRecord(out);
            i = this.lineBreak(text, i);
          } else {
            this.fail(`a closing quote is followed by ${JSON.stringify(text[i])} in column ${this.fields.length + 1} (a quote inside a quoted field is written "")`);
            this.state = State.Unquoted;
            from = i;
          }
          break;
        case State.FieldStart:
          if (this.fields.length === 0 && (c === CR || c === LF)) {
            i = this.lineBreak(text, i); // an empty line
            break;
          }
          if (this.fields.length === 0) this.recordLine = this.line;
          if (c === QUOTE) {
            this.state = State.Quoted;
            this.quoteLine = this.line;
            from = i + 1;
          } else if (c === COMMA) {
            this.endField(State.FieldStart);
          } else if (c === CR || c === LF) {
            this.endField(State.FieldStart);
            this.endRecord(out);
            i = this.lineBreak(text, i);
          } else {
            this.state = State.Unquoted;
            from = i;
          }
          break;
        case State.Unquoted: {
          // The rest of an unquoted field is scanned here, without the per-character state switch (issue 19);
          // atLineStart is already false (the field's first character set it) and the scan stops at CR and LF.
          let end = i;
          let d = c;
          while (d !== COMMA && d !== CR && d !== LF && d !== QUOTE) {
            if (++end === text.length) break;
            d = text.charCodeAt(end);
          }
          i = end;
          if (end === text.length) break; // the chunk ends inside the field: the part is kept after the loop
          if (d === COMMA || d === CR || d === LF) {
            this.field += text.slice(from, i);
            this.endField(State.FieldStart);
            if (d !== COMMA) {
              this.endRecord(out);
              i = this.lineBreak(text, i);
            }
          } else if (d === QUOTE) {
            this.fail(`a quote inside an unquoted field in column ${this.fields.length + 1} (quote the whole field and write the quote as "")`);
          }
          break;
        }
      }
    }
    if (this.state === State.Quoted || this.state === State.Unquoted) this.field += text.slice(from);
    return out;
  }

  end(): CsvRecord[] {
    const out: CsvRecord[] = [];
    if (this.state === State.Quoted) {
      const last = this.atLineStart ? this.line - 1 : this.line;
      const rest = last > this.quoteLine ? `lines ${this.quoteLine} to ${last} (the end of the file)` : 'this line';
      this.fields.push(this.field);
      out.push({
        // Reported where the quote opened: that is the line to fix, and the record may have started earlier.
        line: this.quoteLine,
        fields: this.fields,
        error: `a quote opened on this line (column ${this.fields.length}) is never closed, so ${rest} could not be read`,
      });
    } else if (this.state !== State.FieldStart || this.fields.length > 0) {
      this.endField(State.FieldStart);
      this.endRecord(out);
    }
    this.fields = [];
    this.state = State.FieldStart;
    return out;
  }

  /** Counts the line break at `i` (\r\n as one) and returns the index of its last character. */
  private lineBreak(text: string, i: number): number {
    this.line++;
    this.atLineStart = true;
    if (text.charCodeAt(i) !== CR) return i;
    if (i + 1 === text.length) this.afterCR = true;
    return text.charCodeAt(i + 1) === LF ? i + 1 : i;
  }

  private endField(next: State): void {
    this.fields.push(this.field);
    this.field = '';
    this.state = next;
  }

  private endRecord(out: CsvRecord[]): void {
    out.push(this.error ? { line: this.recordLine, fields: this.fields, error: this.error } : { line: this.recordLine, fields: this.fields });
    this.fields = [];
    this.error = undefined;
  }

  private fail(message: string): void {
    this.error ??= message;
  }
}
