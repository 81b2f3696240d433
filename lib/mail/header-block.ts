/** One header field: the name as it appears and the value unfolded, not decoded. */
export interface RawHeaderField {
  name: string;
  value: string;
  /** The field exactly as written, folding and line breaks included. */
  raw: string;
}

/**
 * Reads the header block of a MIME entity in `source` (bytes as a latin1 string) from `start`:
 * its fields in order, and where the body begins. A line that is neither a field nor a
 * continuation ends the block: such an entity has no blank line before its body.
 */
export function readHeaderBlock(
  source: string,
  start = 0,
  end = source.length,
): { fields: RawHeaderField[]; bodyStart: number } {
  const fields: RawHeaderField[] = [];
  let at = start;
  while (at < end) {
    const newline = source.indexOf("\n", at);
    const lineEnd = newline === -1 || newline >= end ? end : newline;
    const written = source.slice(at, Math.min(lineEnd + 1, end));
    const line = source.slice(at, lineEnd).replace(/\r$/, "");
    if (line === "") return { fields, bodyStart: Math.min(lineEnd + 1, end) };
    const last = fields[fields.length - 1];
    if (/^[ \t]/.test(line) && last !== undefined) {
      // RFC 5322 §2.2.3: unfolding removes the line break only.
      last.value += line;
      last.raw += written;
    } else {
      const colon = line.indexOf(":");
      if (colon <= 0 || /\s/.test(line.slice(0, colon).trimEnd())) return { fields, bodyStart: at };
      fields.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1), raw: written });
    }
    at = lineEnd + 1;
  }
  return { fields, bodyStart: Math.min(at, end) };
}
