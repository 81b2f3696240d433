import { decodeCharset, isKnownCharset } from "./charsets";

const ENCODED_WORD = /=\?([^?\s]+)\?([bq])\?([^?\s]*)\?=/gi;

interface Word {
  charset: string;
  bytes: Buffer;
}

function wordBytes(encoding: string, text: string): Buffer {
  if (encoding.toLowerCase() === "b") return Buffer.from(text, "base64");
  // RFC 2047 §4.2: "_" is a space, =XX a byte.
  const bytes = text
    .replace(/_/g, " ")
    .replace(/=([0-9a-f]{2})/gi, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, "latin1");
}

/**
 * Decodes the RFC 2047 encoded words in a header value (`=?iso-8859-2?Q?=B3?=` → "ł"). Whitespace
 * between two encoded words is dropped (RFC 2047 §6.2), and adjacent words in the same charset are
 * joined before decoding, so a multi-byte character split across two words comes out whole.
 * Reports the charsets it did not know (their bytes are read as UTF-8).
 */
export function decodeEncodedWords(value: string): { text: string; unknownCharsets: string[] } {
  const unknownCharsets: string[] = [];
  if (!value.includes("=?")) return { text: value, unknownCharsets };

  let text = "";
  let pending: Word | null = null;
  let last = 0;
  const flush = () => {
    if (pending) text += decodeCharset(pending.bytes, pending.charset);
    pending = null;
  };
  for (const match of value.matchAll(ENCODED_WORD)) {
    const between = value.slice(last, match.index);
    const [whole, rawCharset = "", encoding = "", encoded = ""] = match;
    // An RFC 2231 language suffix: =?utf-8*pl?Q?…?=
    const charset = rawCharset.split("*")[0] ?? rawCharset;
    if (!isKnownCharset(charset)) unknownCharsets.push(charset.toLowerCase());
    const adjacent = pending !== null && between.trim() === "";
    if (!adjacent) {
      flush();
      text += between;
    }
    const bytes = wordBytes(encoding, encoded);
    const current: Word | null = pending;
    if (current !== null && current.charset.toLowerCase() === charset.toLowerCase()) {
      current.bytes = Buffer.concat([current.bytes, bytes]);
    } else {
      flush();
      pending = { charset, bytes };
    }
    last = match.index + whole.length;
  }
  flush();
  text += value.slice(last);
  return { text, unknownCharsets };
}
