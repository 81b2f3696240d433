/**
 * Just enough of the MIME structure of a raw mail (bytes as a latin1 string) to walk it: the
 * Content-Type of an entity and where the parts of a multipart begin and end. Nothing is decoded.
 */

export interface ContentType {
  /** Lower-cased, e.g. "multipart/mixed"; "text/plain" when absent (RFC 2045 §5.2). */
  type: string;
  /** Names lower-cased, quotes removed. */
  params: Map<string, string>;
}

/** `multipart/mixed; boundary="a b"` → type and parameters. */
export function parseContentType(value: string | undefined): ContentType {
  const params = new Map<string, string>();
  if (value === undefined) return { type: "text/plain", params };
  const [typePart = "", ...rest] = splitParameters(value);
  for (const parameter of rest) {
    const equals = parameter.indexOf("=");
    if (equals <= 0) continue;
    const name = parameter.slice(0, equals).trim().toLowerCase().replace(/\*$/, "");
    let parameterValue = parameter.slice(equals + 1).trim();
    if (parameterValue.startsWith('"')) {
      const close = parameterValue.lastIndexOf('"');
      parameterValue = parameterValue.slice(1, close > 0 ? close : undefined).replace(/\\(.)/g, "$1");
    }
    if (!params.has(name)) params.set(name, parameterValue);
  }
  return { type: typePart.replace(/\(.*?\)/g, "").trim().toLowerCase() || "text/plain", params };
}

/** Splits on semicolons outside quotes. */
function splitParameters(value: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (let index = 0; index < value.length; index++) {
    const char = value[index];
    if (char === "\\" && quoted) {
      current += char + (value[index + 1] ?? "");
      index++;
    } else if (char === '"') {
      quoted = !quoted;
      current += char;
    } else if (char === ";" && !quoted) {
      parts.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

export interface PartRange {
  /** Where the part's header block begins (just after its delimiter line). */
  start: number;
  /** Where the next delimiter line begins (the line break before it belongs to it, RFC 2046). */
  end: number;
}

/**
 * The parts of a multipart body between `bodyStart` and `end`, and whether the closing delimiter
 * was found. A truncated mail's last part runs to the end.
 */
export function multipartParts(
  source: string,
  bodyStart: number,
  end: number,
  boundary: string,
): { parts: PartRange[]; closed: boolean } {
  const delimiter = `--${boundary}`;
  const parts: PartRange[] = [];
  let partStart: number | null = null;
  let at = bodyStart;
  while (at < end) {
    const found = source.indexOf(delimiter, at);
    if (found === -1 || found >= end) break;
    at = found + delimiter.length;
    // RFC 2046 §5.1.1: a delimiter starts a line and is followed by "--" or by optional
    // whitespace and the line end; "--abcdef" is not a delimiter of boundary "abc".
    const atLineStart = found === bodyStart || source[found - 1] === "\n";
    const closing = source.startsWith("--", at);
    if (!atLineStart || (!closing && !/^[ \t]*(?:\r?\n|$)/.test(source.slice(at, at + 80)))) continue;
    const partEnd = found - (source[found - 2] === "\r" ? 2 : source[found - 1] === "\n" ? 1 : 0);
    if (partStart !== null) parts.push({ start: partStart, end: Math.max(partStart, partEnd) });
    if (closing) return { parts, closed: true };
    const lineEnd = source.indexOf("\n", at);
    partStart = lineEnd === -1 || lineEnd >= end ? end : lineEnd + 1;
    at = partStart;
  }
  if (partStart !== null) parts.push({ start: partStart, end });
  return { parts, closed: false };
}
