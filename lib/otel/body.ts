// The transport side of OTLP/HTTP bodies: which encoding a content type names, and gzip
// decompression that stops as soon as the output passes the size limit, so a small gzip bomb
// costs milliseconds and at most `maxBytes` of memory.
import { gunzip } from "node:zlib";
import { OtlpDecodeError, type OtlpEncoding } from "./decode";

const MEDIA_TYPES: Record<string, OtlpEncoding> = {
  "application/x-protobuf": "protobuf",
  "application/protobuf": "protobuf",
  "application/json": "json",
};

/** The OTLP encoding of a media type (parameters already removed), or null for any other type. */
export function otlpEncodingOf(mediaType: string | undefined): OtlpEncoding | null {
  return (mediaType && MEDIA_TYPES[mediaType]) || null;
}

/** Whether a Content-Encoding header names gzip (true), nothing (false), or something else (null). */
export function isGzipEncoding(header: string | null): boolean | null {
  const codings = (header ?? "")
    .split(",")
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== "" && c !== "identity");
  if (codings.length === 0) return false;
  if (codings.length === 1 && (codings[0] === "gzip" || codings[0] === "x-gzip")) return true;
  return null;
}

export class DecompressedTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`Decompressed request body is larger than ${maxBytes} bytes.`);
    this.name = "DecompressedTooLargeError";
  }
}

/** Gunzips `body`; throws DecompressedTooLargeError past `maxBytes`, OtlpDecodeError for bad gzip. */
export function gunzipCapped(body: Uint8Array, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    gunzip(body, { maxOutputLength: maxBytes }, (err, out) => {
      if (!err) resolve(out);
      else if ((err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") reject(new DecompressedTooLargeError(maxBytes));
      else reject(new OtlpDecodeError(`Request body is not valid gzip: ${err.message}.`));
    });
  });
}
