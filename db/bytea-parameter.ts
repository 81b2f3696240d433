/**
 * A bytea parameter as postgres.js puts it on the wire. postgres.js 4.2 sends every parameter in
 * text format (its Bind message carries no format codes) and writes bytea as a `\x…` hex string:
 * a JS string twice the size of the bytes, made from a copy of them. This writes the text form
 * straight into one Buffer instead, which postgres.js passes through as it is. The form is bytea's
 * escape format (PostgreSQL 15 docs §8.4.2) when that is the shorter: mail is mostly 7-bit text
 * (base64 attachments included), which the escape format leaves byte for byte; bytes that are
 * mostly 8-bit (a binary attachment) go as hex, at most twice their size.
 */
export function byteaParameter(value: unknown): Buffer {
  const bytes = value instanceof Uint8Array ? value : Buffer.from(String(value));
  let escapedLength = bytes.length;
  for (let i = 0; i < bytes.length; i++) escapedLength += extraEscapeBytes(bytes[i]!);
  const hexLength = 2 + 2 * bytes.length;
  if (escapedLength > hexLength) return hexText(bytes);
  if (escapedLength === bytes.length) return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return escapedText(bytes, escapedLength);
}

/**
 * The escape format takes every byte but the backslash as itself; the parameter is text in the
 * client encoding (UTF-8) and a C string on the server, so NUL and 8-bit bytes are written as
 * `\ooo` (octal) and the backslash as `\\`.
 */
function extraEscapeBytes(byte: number): number {
  if (byte === 0 || byte >= 0x80) return 3;
  return byte === 0x5c ? 1 : 0;
}

function escapedText(bytes: Uint8Array, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte === 0x5c) {
      out[at++] = 0x5c;
      out[at++] = 0x5c;
    } else if (byte === 0 || byte >= 0x80) {
      out[at++] = 0x5c;
      out[at++] = 0x30 + (byte >> 6);
      out[at++] = 0x30 + ((byte >> 3) & 7);
      out[at++] = 0x30 + (byte & 7);
    } else {
      out[at++] = byte;
    }
  }
  return out;
}

/** `\x` and two hex digits a byte, written a slice at a time so no string of the whole is made. */
function hexText(bytes: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(2 + 2 * bytes.length);
  out.write("\\x", 0, "latin1");
  const source = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const slice = 64 * 1024;
  for (let from = 0; from < source.length; from += slice) {
    out.write(source.subarray(from, from + slice).toString("hex"), 2 + 2 * from, "latin1");
  }
  return out;
}
