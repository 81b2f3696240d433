/**
 * Charset names as mail writes them, checked and decoded with the WHATWG decoders Node ships
 * (full ICU). mailparser decodes bodies itself (through iconv-lite); this module only answers
 * "would that charset have been understood?" and decodes the few header bytes we handle ourselves.
 */

/** Misspellings mail software writes that decoders accept under their proper name. */
function canonicalLabel(charset: string): string {
  return charset
    .trim()
    .toLowerCase()
    .replace(/^["']|["']$/g, "")
    .replace(/^win(?:dows)?[-_]?(\d{3,4})$/, "windows-$1")
    .replace(/^(?:latin|iso[-_]?8859)[-_]?(\d{1,2})$/, "iso-8859-$1")
    .replace(/^utf[-_]?(8|16|32)$/, "utf-$1");
}

// Decoded by mailparser (iconv-lite) although the WHATWG decoders lack them. UTF-7 is not here on
// purpose: mailparser refuses it (it can smuggle markup past filters) and reads the bytes as UTF-8.
const DECODED_BY_MAILPARSER_ONLY = /^(?:utf-32(?:le|be)?|iso-8859-16|(?:cp|ibm)-?\d{3,4}|7bit|8bit)$/;

function whatwgDecoder(label: string): TextDecoder | null {
  try {
    return new TextDecoder(label);
  } catch {
    return null;
  }
}

/** Whether a charset named in a mail is one its text can be decoded from. */
export function isKnownCharset(charset: string): boolean {
  const label = canonicalLabel(charset);
  return whatwgDecoder(label) !== null || DECODED_BY_MAILPARSER_ONLY.test(label);
}

/** Decodes bytes in the given charset; an unknown charset is read as UTF-8, as mailparser does. */
export function decodeCharset(bytes: Uint8Array, charset: string): string {
  const decoder = whatwgDecoder(canonicalLabel(charset)) ?? new TextDecoder("utf-8");
  return decoder.decode(bytes);
}

/** Whether the bytes are valid UTF-8 (pure ASCII included). */
export function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
