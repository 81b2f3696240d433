import { Readable } from "node:stream";
import { convert as htmlToText } from "html-to-text";
import {
  parseAddressHeader,
  simpleParser,
  type AddressObject,
  type Attachment,
  type EmailAddress,
  type HeaderLines,
} from "mailparser";
import { decodeCharset, isValidUtf8 } from "./charsets";
import { decodeEncodedWords } from "./encoded-words";
import { readHeaderBlock } from "./header-block";
import { messageIdsIn } from "./message-ids";
import { findMimeProblems } from "./mime-problems";
import { visibleReply } from "./quoted-reply";
import { sanitizeEmailHtml } from "./sanitize";
import type { Address, ParsedAttachment, ParsedEmail } from "./types";

/**
 * HTML longer than this (in characters) is neither shown nor sanitized: the text (the mail's own,
 * or derived from the first this-many characters of the HTML) stands in for it. Real mail stays far
 * below; Gmail clips at about 100 KB.
 */
const DEFAULT_MAX_HTML_LENGTH = 2_000_000;

/**
 * Parses a raw RFC 5322 mail into what Postdesk knows of it. Never throws for any bytes: what
 * was wrong but survivable is listed in `problems`:
 * - `emptyMessage`, `noHeaders`, `invalidHeaderLine`, `mboxFromLine` (a leading mbox "From "
 *   line, removed before parsing), `nulBytes` (removed from every string, Postgres text cannot
 *   hold them), `nonUtf8Headers` (raw 8-bit header bytes, read in the body's charset);
 * - `missingFrom`, `invalidFrom`, `missingMessageId`, `missingDate`, `invalidDate`;
 * - `unknownCharset` (read as UTF-8), `unknownTransferEncoding`, `brokenMime` (multipart without
 *   boundary, boundary never found or never closed);
 * - `htmlTooLong`, `htmlToTextFailed`, `htmlAsText` (an HTML document in a text part, read as HTML);
 * - `unparseable`: mailparser gave up (e.g. a header block over 1 MB); headers and text were then
 *   read by a plain fallback.
 */
export async function parseEmail(
  raw: Buffer,
  options: { maxHtmlLength?: number } = {},
): Promise<ParsedEmail> {
  const maxHtmlLength = options.maxHtmlLength ?? DEFAULT_MAX_HTML_LENGTH;
  const problems = new Set<string>();
  if (raw.length < 1024 && raw.toString("latin1").trim() === "") problems.add("emptyMessage");
  if (raw.includes(0)) problems.add("nulBytes");
  const prepared = withUtf8Headers(withFirstLineRepaired(raw, problems), problems);
  for (const problem of findMimeProblems(prepared)) problems.add(problem);

  let email: Omit<ParsedEmail, "problems" | "displayText">;
  try {
    email = await parseWithMailparser(prepared, maxHtmlLength, problems);
  } catch {
    problems.add("unparseable");
    email = parseFallback(prepared, problems);
  }
  return { ...email, displayText: visibleReply(email.text), problems: [...problems] };
}

async function parseWithMailparser(
  raw: Buffer,
  maxHtmlLength: number,
  problems: Set<string>,
): Promise<Omit<ParsedEmail, "problems" | "displayText">> {
  const mail = await simpleParser(inSlices(raw), {
    // cid: links stay in the HTML (the UI maps them to attachments) instead of becoming data:
    // URLs; no HTML is generated from text parts, nor text from HTML (we do that once, below, with
    // our own options); attachments are hashed once, by the parser.
    keepCidLinks: true,
    skipImageLinks: true,
    skipTextToHtml: true,
    skipTextLinks: true,
    skipHtmlToText: true,
    checksumAlgo: "sha256",
  });

  const headers = headersOf(mail.headerLines, problems);

  const declaredHtml = typeof mail.html === "string" && mail.html.trim() !== "" ? mail.html : null;
  const misdeclared = declaredHtml === null ? htmlSourceIn(mail.text ?? "") : null;
  if (misdeclared) problems.add("htmlAsText");
  const rawHtml = declaredHtml ?? (misdeclared && withTextAround(misdeclared));
  if (rawHtml !== null && rawHtml.length > maxHtmlLength) problems.add("htmlTooLong");
  const sanitized = rawHtml !== null && rawHtml.length <= maxHtmlLength ? sanitizeEmailHtml(rawHtml) : "";
  // Nothing left to show (only scripts, or garbage): the text stands in for it.
  const html = sanitized.trim() === "" ? null : sanitized;
  let text = mail.text ?? "";
  if (misdeclared) text = `${misdeclared.before}${textFromHtml(misdeclared.html, maxHtmlLength, problems)}${misdeclared.after}`;
  if (text.trim() === "" && rawHtml !== null) text = textFromHtml(rawHtml, maxHtmlLength, problems);

  const from = addressesOf(mail.from)[0] ?? null;
  if (!headers.from) problems.add("missingFrom");
  else if (from === null) problems.add("invalidFrom");

  return {
    ...identifiersAndDate(headers, problems),
    from,
    replyTo: addressesOf(mail.replyTo),
    to: addressesOf(mail.to),
    cc: addressesOf(mail.cc),
    subject: clean(mail.subject ?? ""),
    text: clean(text),
    html: html === null ? null : clean(html),
    attachments: mail.attachments.map((attachment) => toAttachment(attachment, rawHtml)),
    headers,
  };
}

/**
 * The mail as a stream of slices of itself (views, not copies). Handed one 30 MB Buffer, mailparser
 * splits and decodes all of it in one go, and every decoded piece waits in its streams at once:
 * 140 MB at the peak for a 30 MB mail with a 23 MB attachment. Fed a slice at a time, with
 * backpressure, each piece is taken as it is made: 72 MB.
 */
function inSlices(raw: Buffer): Readable {
  const slice = 64 * 1024;
  return Readable.from(
    (function* () {
      for (let at = 0; at < raw.length; at += slice) yield raw.subarray(at, at + slice);
    })(),
    { objectMode: false },
  );
}

/** When mailparser fails: the top-level headers read plainly and the body as UTF-8 text. */
function parseFallback(raw: Buffer, problems: Set<string>): Omit<ParsedEmail, "problems" | "displayText"> {
  const source = raw.toString("latin1");
  const { fields, bodyStart } = readHeaderBlock(source);
  const utf8Fields = fields.map((field) => ({
    name: field.name.toLowerCase(),
    value: Buffer.from(field.value, "latin1").toString("utf8"),
  }));
  const headers = collectHeaders(utf8Fields, problems);
  const addresses = (name: string): Address[] =>
    (headers[name] ?? []).flatMap((value) => addressesOf(parseAddressHeader(value)));
  const from = addresses("from")[0] ?? null;
  if (!headers.from) problems.add("missingFrom");
  else if (from === null) problems.add("invalidFrom");
  return {
    ...identifiersAndDate(headers, problems),
    from,
    replyTo: addresses("reply-to"),
    to: addresses("to"),
    cc: addresses("cc"),
    subject: headers.subject?.[0] ?? "",
    text: clean(raw.subarray(bodyStart).toString("utf8")),
    html: null,
    attachments: [],
    headers,
  };
}

/**
 * The first line as mailparser needs it: an mbox archive's "From sender date" separator is not
 * part of the mail, and the obsolete "From  : …" (RFC 5322 §4.5.1 allows space before the colon)
 * would be taken for one, so it loses the space.
 */
function withFirstLineRepaired(raw: Buffer, problems: Set<string>): Buffer {
  const start = raw.subarray(0, 64).toString("latin1");
  const obsoleteFrom = /^From[ \t]+:/.exec(start);
  if (obsoleteFrom) return Buffer.concat([Buffer.from("From:"), raw.subarray(obsoleteFrom[0].length)]);
  if (!/^From [^\s:]/.test(start)) return raw;
  problems.add("mboxFromLine");
  const newline = raw.indexOf(0x0a);
  return newline === -1 ? Buffer.alloc(0) : raw.subarray(newline + 1);
}

/**
 * Raw 8-bit bytes in the header block are only legal as UTF-8 (RFC 6532). Others are repaired
 * before mailparser reads them: inside a Q-encoded word (Eudora wrote "=?iso-8859-1?Q?J\xfcrgen?=")
 * they become =XX escapes, so the word's own charset applies; elsewhere (a windows-1250 name
 * written as is) they are read in the charset the mail declares for its body, else
 * windows-1252, and re-encoded as UTF-8, which is how mailparser reads header bytes.
 */
function withUtf8Headers(raw: Buffer, problems: Set<string>): Buffer {
  // Only the header block is read, not a 30 MB body.
  const blankLine = [raw.indexOf("\n\n"), raw.indexOf("\n\r\n")].filter((at) => at !== -1);
  const source = raw.subarray(0, blankLine.length > 0 ? Math.min(...blankLine) + 3 : raw.length).toString("latin1");
  const { fields, bodyStart } = readHeaderBlock(source);
  if (isValidUtf8(raw.subarray(0, bodyStart))) return raw;
  problems.add("nonUtf8Headers");
  const escapeByte = (byte: string) => `=${byte.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`;
  const escaped = source
    .slice(0, bodyStart)
    .replace(/=\?[^?\s]+\?q\?[^?]*\?=/gi, (word) => word.replace(/[\x80-\xff]/g, escapeByte));
  const head = Buffer.from(escaped, "latin1");
  const contentType = fields.find((field) => field.name.toLowerCase() === "content-type")?.value ?? "";
  const declared = /charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1];
  const declaresNoLegacyCharset = declared === undefined || /^(?:us-)?ascii$|^utf-?8$/i.test(declared);
  const charset = declaresNoLegacyCharset ? "windows-1252" : declared;
  const utf8Head = isValidUtf8(head) ? head : Buffer.from(decodeCharset(head, charset), "utf8");
  return Buffer.concat([utf8Head, raw.subarray(bodyStart)]);
}

/** mailparser's raw header lines as our headers; a line it could not read has no key. */
function headersOf(lines: HeaderLines, problems: Set<string>): Record<string, string[]> {
  if (lines.every((line) => line.line.trim() === "")) problems.add("noHeaders");
  else if (lines.some((line) => line.key === "" && line.line.trim() !== "")) problems.add("invalidHeaderLine");
  const fields = lines
    .filter((line) => line.key !== "")
    .map((line) => ({ name: line.key, value: valueOfLine(line.line) }));
  return collectHeaders(fields, problems);
}

/** The value of a raw header line ("Name: value", folded, bytes as latin1) as UTF-8 text. */
function valueOfLine(line: string): string {
  const colon = line.indexOf(":");
  return Buffer.from(colon === -1 ? "" : line.slice(colon + 1), "latin1").toString("utf8");
}

/** Every header, names lower-cased, values unfolded and with encoded words decoded, in order. */
function collectHeaders(
  fields: { name: string; value: string }[],
  problems: Set<string>,
): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (const field of fields) {
    const { text, unknownCharsets } = decodeEncodedWords(field.value.replace(/\r?\n(?=[ \t])/g, "").trim());
    if (unknownCharsets.length > 0) problems.add("unknownCharset");
    (headers[field.name] ??= []).push(clean(text));
  }
  return headers;
}

function identifiersAndDate(
  headers: Record<string, string[]>,
  problems: Set<string>,
): Pick<ParsedEmail, "messageId" | "inReplyTo" | "references" | "date"> {
  const messageId = messageIdsIn(headers["message-id"]?.[0] ?? "")[0] ?? null;
  if (messageId === null) problems.add("missingMessageId");
  const references = [...new Set((headers.references ?? []).flatMap(messageIdsIn))];

  const dateHeader = headers.date?.[0];
  let date: Date | null = null;
  if (dateHeader === undefined || dateHeader === "") problems.add("missingDate");
  else {
    date = parseDate(dateHeader);
    if (date === null) problems.add("invalidDate");
  }
  const inReplyTo = messageIdsIn(headers["in-reply-to"]?.[0] ?? "")[0] ?? null;
  return { messageId, inReplyTo, references, date };
}

function parseDate(value: string): Date | null {
  const withoutComments = value.replace(/\([^()]*\)/g, " ").trim();
  // Obsolete syntax puts spaces (and comments) around the colons of the time: "09 : 55 : 06".
  for (const candidate of [value, withoutComments, withoutComments.replace(/\s*:\s*/g, ":")]) {
    const date = new Date(candidate);
    if (!Number.isNaN(date.getTime())) return date;
  }
  return null;
}

function addressesOf(header: AddressObject | AddressObject[] | undefined): Address[] {
  const objects = header === undefined ? [] : Array.isArray(header) ? header : [header];
  const flatten = (entries: EmailAddress[]): EmailAddress[] =>
    entries.flatMap((entry) => (entry.group ? flatten(entry.group) : [entry]));
  return objects
    .flatMap((object) => flatten(object.value))
    .flatMap((entry) => {
      const address = clean(entry.address ?? "").trim().toLowerCase();
      if (address === "") return [];
      const name = clean(entry.name ?? "").trim();
      return [name === "" ? { address } : { address, name }];
    });
}

function toAttachment(attachment: Attachment, rawHtml: string | null): ParsedAttachment {
  const contentId = attachment.cid ?? attachment.contentId?.replace(/^<|>$/g, "") ?? null;
  // Inline: shown inside the HTML rather than listed, so it must be referenced from it (or sit in
  // a multipart/related). A Content-Disposition of "inline" alone does not make it so.
  const referenced = contentId !== null && rawHtml?.toLowerCase().includes(`cid:${contentId.toLowerCase()}`) === true;
  return {
    filename: attachment.filename ? clean(attachment.filename) : null,
    contentType: attachment.contentType.toLowerCase(),
    size: attachment.size ?? attachment.content.length,
    contentId: contentId === "" ? null : contentId,
    inline: contentId !== null && contentId !== "" && (referenced || attachment.related === true),
    content: attachment.content,
    sha256: attachment.checksum,
  };
}

function textFromHtml(html: string, maxHtmlLength: number, problems: Set<string>): string {
  try {
    return htmlToText(html, {
      wordwrap: false,
      limits: { maxInputLength: maxHtmlLength },
      selectors: [
        { selector: "a", options: { hideLinkHrefIfSameAsText: true } },
        { selector: "img", format: "skip" },
      ],
    });
  } catch {
    problems.add("htmlToTextFailed");
    return "";
  }
}

/**
 * An HTML document inside the text of a mail that declares no HTML part: a part sent as text/plain
 * although it is HTML source, or two text parts (mailparser joins them) of which one is. Shown as
 * written that would be raw markup; it is read as the HTML it is, and its text stands in for it in
 * the mail's text. Only a whole document (from `<!DOCTYPE html` or `<html` to `</html>`, or to the
 * end) counts: a text that mentions a tag stays text.
 */
function htmlSourceIn(text: string): { before: string; html: string; after: string } | null {
  const start = /^[ \t]*(?:<!doctype\s+html\b|<html[\s>])/im.exec(text);
  if (!start) return null;
  const end = /<\/html\s*>/i.exec(text.slice(start.index));
  const stop = end ? start.index + end.index + end[0].length : text.length;
  return { before: text.slice(0, start.index), html: text.slice(start.index, stop), after: text.slice(stop) };
}

/** The HTML found in a text, with the text around it kept as preformatted text. */
function withTextAround({ before, html, after }: { before: string; html: string; after: string }): string {
  const asText = (text: string) =>
    text.trim() === "" ? "" : `<div style="white-space: pre-wrap">${text.trim().replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")}</div>`;
  return `${asText(before)}${html}${asText(after)}`;
}

/** Line ends as "\n", and no NUL characters (Postgres text cannot store them). */
function clean(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(/\u0000/g, "");
}
