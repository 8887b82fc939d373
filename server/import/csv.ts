/** One record of a CSV file and the line it starts on (1 = the header). */
export interface CsvRecord {
  line: number;
  cells: string[];
}

export type CsvErrorCode = 'csv_malformed' | 'csv_cell_too_long' | 'csv_line_too_long';

export class CsvError extends Error {
  readonly code: CsvErrorCode;
  readonly line: number;
  constructor(line: number, message: string, code: CsvErrorCode = 'csv_malformed') {
    super(message);
    this.line = line;
    this.code = code;
  }
}

/**
 * How long a cell and a record may be. The register's longest field holds 200
 * characters and a cluster at most 20 websites: a cell of 4,096 is generous, and a
 * longer one is a broken quote or not a register, refused at once rather than read.
 */
export const CSV_LIMITS = { cellChars: 4096, recordChars: 16_384 };

/**
 * RFC 4180 CSV, read in pieces as they arrive: quoted fields may hold separators,
 * quotes ("") and line breaks. The separator is `,` or `;` (spreadsheets in German
 * locales write `;`), taken from the header line. A UTF-8 byte order mark is
 * dropped. A cell or a record over `CSV_LIMITS` stops the reading with a
 * `CsvError`, so no piece of a file is held longer than a record.
 *
 * @example
 * const parser = new CsvParser();
 * const records = [...parser.push('Name;www\r\nA'), ...parser.push('lpha;a.example\r\n'), ...parser.end()];
 */
export class CsvParser {
  readonly #limits: typeof CSV_LIMITS;
  /** The text before the header line's end, while the separator is not yet known. */
  #head: string | undefined = '';
  #special = /[,\r\n]/g;
  #separator = ',';
  #cells: string[] = [];
  #cell = '';
  #recordChars = 0;
  #quoted = false;
  /** A quote ended the last piece inside a quoted cell: the next character says whether it was doubled. */
  #quoteAtEnd = false;
  /** A CR ended the last piece: a LF starting the next belongs to it. */
  #afterCr = false;
  #line = 1;
  #recordLine = 1;

  constructor(limits: typeof CSV_LIMITS = CSV_LIMITS) {
    this.#limits = limits;
  }

  /** The records that `text`, the next piece of the file, completes. */
  push(text: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    if (this.#head !== undefined) {
      this.#head = (this.#head + text).replace(/^\uFEFF/, '');
      const end = this.#head.search(/[\r\n]/);
      if (end === -1) {
        if (this.#head.length > this.#limits.recordChars) throw this.#tooLong('csv_line_too_long');
        return out;
      }
      this.#start(end);
      text = this.#head;
      this.#head = undefined;
    }
    this.#consume(text, out);
    return out;
  }

  /** The last record; throws when a quoted field is never closed. */
  end(): CsvRecord[] {
    const out: CsvRecord[] = [];
    if (this.#head !== undefined) {
      this.#start(this.#head.length);
      const text = this.#head;
      this.#head = undefined;
      this.#consume(text, out);
    }
    if (this.#quoteAtEnd) {
      this.#quoteAtEnd = false;
      this.#quoted = false;
    }
    if (this.#quoted) throw new CsvError(this.#recordLine, `A quoted field that starts on line ${this.#recordLine} is never closed.`);
    if (this.#cell !== '' || this.#cells.length > 0) this.#endRecord(out);
    return out;
  }

  #start(headerEnd: number) {
    const firstLine = this.#head!.slice(0, headerEnd);
    const semicolons = firstLine.match(/;/g)?.length ?? 0;
    const commas = firstLine.match(/,/g)?.length ?? 0;
    this.#separator = semicolons > commas ? ';' : ',';
    this.#special = this.#separator === ';' ? /[;\r\n]/g : /[,\r\n]/g;
  }

  #consume(text: string, out: CsvRecord[]) {
    const n = text.length;
    let i = 0;
    if (this.#afterCr) {
      this.#afterCr = false;
      if (text[0] === '\n') i = 1;
    }
    if (this.#quoteAtEnd) {
      this.#quoteAtEnd = false;
      if (text[0] === '"') {
        this.#append('"');
        i = 1;
      } else this.#quoted = false;
    }
    while (i < n) {
      if (this.#quoted) {
        const quote = text.indexOf('"', i);
        const end = quote === -1 ? n : quote;
        const part = text.slice(i, end);
        this.#append(part);
        for (let at = part.indexOf('\n'); at !== -1; at = part.indexOf('\n', at + 1)) this.#line++;
        if (quote === -1) return;
        if (quote + 1 === n) {
          this.#quoteAtEnd = true;
          return;
        }
        if (text[quote + 1] === '"') {
          this.#append('"');
          i = quote + 2;
        } else {
          this.#quoted = false;
          i = quote + 1;
        }
        continue;
      }
      if (text[i] === '"' && this.#cell === '') {
        this.#quoted = true;
        i++;
        continue;
      }
      this.#special.lastIndex = i;
      const found = this.#special.exec(text);
      const end = found ? found.index : n;
      if (end > i) {
        this.#append(text.slice(i, end));
        i = end;
        continue;
      }
      const ch = text[i]!;
      if (ch === this.#separator) {
        this.#cells.push(this.#cell);
        this.#cell = '';
        this.#recordChars++;
        i++;
        continue;
      }
      // A line break ends the record: CRLF, LF or a lone CR.
      if (ch === '\r') {
        if (i + 1 === n) this.#afterCr = true;
        else if (text[i + 1] === '\n') i++;
      }
      i++;
      this.#endRecord(out);
      this.#line++;
      this.#recordLine = this.#line;
    }
  }

  #append(part: string) {
    if (part === '') return;
    this.#cell += part;
    this.#recordChars += part.length;
    if (this.#cell.length > this.#limits.cellChars) throw this.#tooLong('csv_cell_too_long');
    if (this.#recordChars > this.#limits.recordChars) throw this.#tooLong('csv_line_too_long');
  }

  #tooLong(code: 'csv_cell_too_long' | 'csv_line_too_long') {
    const line = this.#recordLine;
    return code === 'csv_cell_too_long'
      ? new CsvError(line, `A cell on line ${line} is longer than ${this.#limits.cellChars} characters: is a quote not closed, or is this not the register?`, code)
      : new CsvError(line, `Line ${line} is longer than ${this.#limits.recordChars} characters: is this a CSV file of the register?`, code);
  }

  #endRecord(out: CsvRecord[]) {
    this.#cells.push(this.#cell);
    // Blank lines (a lone empty cell) are skipped, not reported.
    if (this.#cells.length > 1 || this.#cells[0] !== '') out.push({ line: this.#recordLine, cells: this.#cells });
    this.#cells = [];
    this.#cell = '';
    this.#recordChars = 0;
  }
}

/** A whole CSV text at once (see `CsvParser`). */
export function parseCsv(text: string, limits: typeof CSV_LIMITS = CSV_LIMITS): CsvRecord[] {
  const parser = new CsvParser(limits);
  return [...parser.push(text), ...parser.end()];
}

// A cell a spreadsheet would run as a formula is written with a leading apostrophe, and read back without it.
const FORMULA = /^[=+\-@\t\r]/;

export const unguardCell = (value: string) => (value.startsWith("'") && FORMULA.test(value.slice(1)) ? value.slice(1) : value);

function quoteCell(value: string): string {
  const safe = FORMULA.test(value) ? `'${value}` : value;
  return /[",;\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function writeCsv(rows: string[][]): string {
  return rows.map((row) => row.map(quoteCell).join(',')).join('\r\n') + '\r\n';
}
