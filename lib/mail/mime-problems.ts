import { isKnownCharset } from "./charsets";
import { readHeaderBlock } from "./header-block";
import { multipartParts, parseContentType, type ContentType } from "./mime-structure";

/**
 * Walks the MIME structure of a raw mail to find what mailparser survives silently: charsets it
 * cannot decode (it falls back to UTF-8), transfer encodings it does not know (it passes the bytes
 * through), and multiparts whose boundaries are missing or never closed (truncated mail). Reads
 * the bytes as latin1, so offsets are byte offsets and nothing is decoded.
 */
export function findMimeProblems(raw: Buffer): string[] {
  const problems = new Set<string>();
  const walk = new MimeWalk(raw.toString("latin1"), problems);
  walk.part(0, walk.source.length, 0);
  return [...problems];
}

const KNOWN_TRANSFER_ENCODINGS = new Set(["7bit", "8bit", "binary", "base64", "quoted-printable"]);
const MAX_DEPTH = 30;
const MAX_PARTS = 1000;

class MimeWalk {
  private parts = 0;

  constructor(
    readonly source: string,
    private readonly problems: Set<string>,
  ) {}

  part(start: number, end: number, depth: number): void {
    if (depth > MAX_DEPTH || ++this.parts > MAX_PARTS) return;
    const { fields, bodyStart } = readHeaderBlock(this.source, start, end);
    const headers = new Map<string, string>();
    // The first occurrence wins, as in mailparser.
    for (const field of fields) {
      const name = field.name.toLowerCase();
      if (!headers.has(name)) headers.set(name, field.value.trim());
    }
    const contentType = parseContentType(headers.get("content-type"));
    const charset = contentType.params.get("charset");
    if (charset !== undefined && charset !== "" && !isKnownCharset(charset)) {
      this.problems.add("unknownCharset");
    }

    const encoding = headers.get("content-transfer-encoding")?.trim().toLowerCase();
    if (encoding !== undefined && encoding !== "" && !KNOWN_TRANSFER_ENCODINGS.has(encoding)) {
      this.problems.add("unknownTransferEncoding");
    }

    if (contentType.type.startsWith("multipart/")) {
      this.multipart(contentType, bodyStart, end, depth);
    } else if (
      (contentType.type === "message/rfc822" || contentType.type === "message/global") &&
      (encoding === undefined || !["base64", "quoted-printable"].includes(encoding))
    ) {
      this.part(bodyStart, end, depth + 1);
    }
  }

  private multipart(contentType: ContentType, bodyStart: number, end: number, depth: number): void {
    const boundary = contentType.params.get("boundary");
    if (!boundary) {
      this.problems.add("brokenMime");
      return;
    }
    const { parts, closed } = multipartParts(this.source, bodyStart, end, boundary);
    // No part at all, or no closing delimiter (a truncated mail).
    if (parts.length === 0 || !closed) this.problems.add("brokenMime");
    for (const part of parts) this.part(part.start, part.end, depth + 1);
  }
}
