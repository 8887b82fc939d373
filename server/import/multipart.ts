/** The head of one part of a `multipart/form-data` body (RFC 7578). */
export interface PartHead {
  name: string;
  /** Set for a file. */
  filename: string | undefined;
}

export class MultipartError extends Error {}

const CRLF = Buffer.from('\r\n');
const HEADERS_END = Buffer.from('\r\n\r\n');
/** Part headers a browser sends are a few hundred bytes. */
const MAX_HEADER_BYTES = 8 * 1024;

/** The boundary a `multipart/form-data` Content-Type names, or undefined. */
export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || contentType.split(';')[0]!.trim().toLowerCase() !== 'multipart/form-data') return undefined;
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

/**
 * Reads a `multipart/form-data` body as it arrives, one part after the other, so
 * that a file is handed on in pieces and never held whole: `next()` gives the next
 * part's head (skipping what is left of the one before), `body()` its bytes. Counts
 * every byte read and stops with `tooLarge()` past `maxBytes`.
 *
 * @example
 * const reader = new MultipartReader(request.body, boundary, 1 << 20, () => new Error('too large'));
 * for (let part = await reader.next(); part; part = await reader.next()) for await (const bytes of reader.body()) use(part, bytes);
 */
export class MultipartReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #delimiter: Buffer;
  readonly #maxBytes: number;
  readonly #tooLarge: () => Error;
  #buffer = Buffer.alloc(0);
  #read = 0;
  #ended = false;
  /** Whether the body of the current part is still being read. */
  #inBody = false;
  #started = false;
  #finished = false;

  constructor(stream: ReadableStream<Uint8Array>, boundary: string, maxBytes: number, tooLarge: () => Error) {
    this.#reader = stream.getReader();
    this.#delimiter = Buffer.from(`\r\n--${boundary}`);
    this.#maxBytes = maxBytes;
    this.#tooLarge = tooLarge;
  }

  /** Bytes of the body read so far. */
  get bytesRead(): number {
    return this.#read;
  }

  async #fill(): Promise<boolean> {
    if (this.#ended) return false;
    const { done, value } = await this.#reader.read();
    if (done) {
      this.#ended = true;
      return false;
    }
    this.#read += value.length;
    if (this.#read > this.#maxBytes) {
      await this.#reader.cancel().catch(() => {});
      throw this.#tooLarge();
    }
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, value]) : Buffer.from(value);
    return true;
  }

  /** The next part's head, or undefined after the last. */
  async next(): Promise<PartHead | undefined> {
    if (this.#inBody) for await (const _ of this.body());
    if (this.#finished) return undefined;
    if (!this.#started) {
      // The body starts with the delimiter, without the line break before it.
      this.#buffer = Buffer.concat([CRLF, this.#buffer]);
      this.#started = true;
    }
    let at: number;
    while ((at = this.#buffer.indexOf(this.#delimiter)) === -1 || this.#buffer.length < at + this.#delimiter.length + 2) {
      if (this.#buffer.length > MAX_HEADER_BYTES + this.#delimiter.length) throw new MultipartError('no boundary where one was due');
      if (!(await this.#fill())) throw new MultipartError('the body ends before its closing boundary');
    }
    const after = at + this.#delimiter.length;
    if (this.#buffer.subarray(after, after + 2).toString() === '--') {
      this.#finished = true;
      return undefined;
    }
    let end: number;
    while ((end = this.#buffer.indexOf(HEADERS_END, after)) === -1) {
      if (this.#buffer.length - after > MAX_HEADER_BYTES) throw new MultipartError('the part headers are too long');
      if (!(await this.#fill())) throw new MultipartError('the body ends inside part headers');
    }
    const headers = this.#buffer.subarray(after, end).toString('utf8');
    this.#buffer = this.#buffer.subarray(end + HEADERS_END.length);
    const disposition = /^content-disposition:\s*form-data(.*)$/im.exec(headers)?.[1];
    if (disposition === undefined) throw new MultipartError('a part has no Content-Disposition: form-data');
    const parameter = (key: string) => new RegExp(`;\\s*${key}="([^"]*)"`, 'i').exec(disposition)?.[1];
    const name = parameter('name');
    if (name === undefined) throw new MultipartError('a part has no name');
    this.#inBody = true;
    return { name, filename: parameter('filename') };
  }

  /** The current part's bytes, in pieces as they arrive; ends at the next boundary. */
  async *body(): AsyncGenerator<Uint8Array> {
    while (this.#inBody) {
      const at = this.#buffer.indexOf(this.#delimiter);
      if (at !== -1) {
        const piece = this.#buffer.subarray(0, at);
        // The delimiter stays: `next()` reads on from it.
        this.#buffer = this.#buffer.subarray(at);
        this.#inBody = false;
        if (piece.length) yield piece;
        return;
      }
      // Hand on all but what could be the start of a delimiter cut by the piece's end.
      const safe = this.#buffer.length - (this.#delimiter.length - 1);
      if (safe > 0) {
        const piece = this.#buffer.subarray(0, safe);
        this.#buffer = this.#buffer.subarray(safe);
        yield piece;
      }
      if (!(await this.#fill())) throw new MultipartError('the body ends inside a part');
    }
  }
}
