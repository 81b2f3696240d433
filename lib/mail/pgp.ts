import * as openpgp from "openpgp";
import { decodeCharset } from "./charsets";
import { readHeaderBlock, type RawHeaderField } from "./header-block";
import { multipartParts, parseContentType, type PartRange } from "./mime-structure";

export type PgpResult =
  | { kind: "not-encrypted" }
  | { kind: "decrypted"; raw: Buffer }
  | { kind: "failed"; reason: string };

export interface PgpKey {
  armoredPrivateKey: string;
  passphrase: string | null;
}

/**
 * Decrypts an OpenPGP-encrypted mail into a plain one that parses like any other:
 * - PGP/MIME (RFC 3156, `multipart/encrypted; protocol="application/pgp-encrypted"`): the second
 *   part holds the encrypted MIME entity; the result is the outer headers (without their
 *   Content-* fields, and without any field the entity repeats, so "protected headers" such as
 *   the real Subject win) followed by the decrypted entity.
 * - Inline PGP: each `-----BEGIN PGP MESSAGE-----` block in a text/plain body (the whole mail, or a
 *   part of a multipart) is replaced by its plaintext, and that body is re-encoded as UTF-8.
 * A mail with neither is "not-encrypted"; no key, a key that cannot be read or unlocked, or a
 * message it cannot decrypt, is "failed" with the reason.
 */
export async function decryptPgp(raw: Buffer, key: PgpKey | null): Promise<PgpResult> {
  const source = raw.toString("latin1");
  const top = readHeaderBlock(source);
  const contentType = parseContentType(fieldValue(top.fields, "content-type"));
  const isPgpMime =
    contentType.type === "multipart/encrypted" &&
    (contentType.params.get("protocol") ?? "").toLowerCase() === "application/pgp-encrypted";
  const inlineParts = isPgpMime ? [] : inlineEncryptedParts(source, top.fields, top.bodyStart);
  if (!isPgpMime && inlineParts.length === 0) return { kind: "not-encrypted" };
  if (!key) return { kind: "failed", reason: "The mail is PGP-encrypted and the division has no key to decrypt it" };

  let privateKey: openpgp.PrivateKey;
  try {
    privateKey = await unlockedKey(key);
  } catch (error) {
    return { kind: "failed", reason: `The private key cannot be used: ${messageOf(error)}` };
  }
  try {
    if (isPgpMime) return await decryptPgpMime(source, top, contentType.params.get("boundary"), privateKey);
    return { kind: "decrypted", raw: await decryptInline(source, inlineParts, privateKey) };
  } catch (error) {
    return { kind: "failed", reason: `The message cannot be decrypted: ${messageOf(error)}` };
  }
}

async function unlockedKey(key: PgpKey): Promise<openpgp.PrivateKey> {
  const privateKey = await openpgp.readPrivateKey({ armoredKey: key.armoredPrivateKey });
  if (privateKey.isDecrypted()) return privateKey;
  if (key.passphrase === null) throw new Error("it is protected by a passphrase and none is set");
  return openpgp.decryptKey({ privateKey, passphrase: key.passphrase });
}

async function decrypt(armoredOrBinary: string | Uint8Array, privateKey: openpgp.PrivateKey): Promise<Uint8Array> {
  const message =
    typeof armoredOrBinary === "string"
      ? await openpgp.readMessage({ armoredMessage: armoredOrBinary })
      : await openpgp.readMessage({ binaryMessage: armoredOrBinary });
  const { data } = await openpgp.decrypt({ message, decryptionKeys: privateKey, format: "binary" });
  return data;
}

async function decryptPgpMime(
  source: string,
  top: { fields: RawHeaderField[]; bodyStart: number },
  boundary: string | undefined,
  privateKey: openpgp.PrivateKey,
): Promise<PgpResult> {
  if (!boundary) return { kind: "failed", reason: "The multipart/encrypted mail has no boundary" };
  const { parts } = multipartParts(source, top.bodyStart, source.length, boundary);
  const encryptedPart = parts[1];
  if (encryptedPart === undefined) {
    return { kind: "failed", reason: "The multipart/encrypted mail has no encrypted part" };
  }
  const encrypted = partBody(source, encryptedPart);
  const message = encrypted.isArmored ? encrypted.bytes.toString("latin1") : encrypted.bytes;
  const entity = Buffer.from(await decrypt(message, privateKey));

  const entityFields = new Set(
    readHeaderBlock(entity.toString("latin1")).fields.map((field) => field.name.toLowerCase()),
  );
  const outer = top.fields.filter((field) => {
    const name = field.name.toLowerCase();
    return !name.startsWith("content-") && !entityFields.has(name);
  });
  return { kind: "decrypted", raw: Buffer.concat([Buffer.from(headerLines(outer), "latin1"), entity]) };
}

interface InlinePart {
  range: PartRange;
  fields: RawHeaderField[];
  text: string;
}

/** A fresh (stateless) pattern for the armored messages in a text, each on lines of its own. */
function armoredMessages(): RegExp {
  return /^-----BEGIN PGP MESSAGE-----\r?\n[\s\S]*?^-----END PGP MESSAGE-----[ \t]*\r?$/gm;
}

/** The text/plain entities (the mail itself, or parts of its multiparts) holding an armored message. */
function inlineEncryptedParts(source: string, fields: RawHeaderField[], bodyStart: number): InlinePart[] {
  const found: InlinePart[] = [];
  const visit = (range: PartRange, entityFields: RawHeaderField[], entityBodyStart: number, depth: number) => {
    const contentType = parseContentType(fieldValue(entityFields, "content-type"));
    const boundary = contentType.params.get("boundary");
    if (contentType.type.startsWith("multipart/") && boundary && depth < 10) {
      for (const part of multipartParts(source, entityBodyStart, range.end, boundary).parts) {
        const block = readHeaderBlock(source, part.start, part.end);
        visit(part, block.fields, block.bodyStart, depth + 1);
      }
      return;
    }
    if (contentType.type !== "text/plain") return;
    const body = partBody(source, { start: entityBodyStart, end: range.end }, entityFields);
    const text = decodeCharset(body.bytes, contentType.params.get("charset") ?? "us-ascii");
    if (armoredMessages().test(text)) found.push({ range, fields: entityFields, text });
  };
  visit({ start: 0, end: source.length }, fields, bodyStart, 0);
  return found;
}

/** Replaces each inline part by a UTF-8 text/plain part with the armored blocks decrypted. */
async function decryptInline(source: string, parts: InlinePart[], privateKey: openpgp.PrivateKey): Promise<Buffer> {
  const pieces: Buffer[] = [];
  let at = 0;
  for (const part of parts) {
    let text = "";
    let last = 0;
    for (const match of part.text.matchAll(armoredMessages())) {
      const plaintext = new TextDecoder().decode(await decrypt(match[0], privateKey));
      text += part.text.slice(last, match.index) + plaintext;
      last = match.index + match[0].length;
    }
    text += part.text.slice(last);
    const kept = part.fields.filter((field) => !/^content-(?:type|transfer-encoding)$/i.test(field.name));
    const header =
      headerLines(kept) + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n";
    pieces.push(Buffer.from(source.slice(at, part.range.start), "latin1"), Buffer.from(header, "latin1"));
    pieces.push(Buffer.from(text, "utf8"));
    at = part.range.end;
  }
  pieces.push(Buffer.from(source.slice(at), "latin1"));
  return Buffer.concat(pieces);
}

/** A part's body bytes with its transfer encoding undone. */
function partBody(
  source: string,
  range: PartRange,
  knownFields?: RawHeaderField[],
): { bytes: Buffer; isArmored: boolean } {
  let fields = knownFields;
  let bodyStart = range.start;
  if (fields === undefined) {
    const block = readHeaderBlock(source, range.start, range.end);
    fields = block.fields;
    bodyStart = block.bodyStart;
  }
  const body = source.slice(bodyStart, range.end);
  const encoding = (fieldValue(fields, "content-transfer-encoding") ?? "").trim().toLowerCase();
  const bytes =
    encoding === "base64"
      ? Buffer.from(body, "base64")
      : encoding === "quoted-printable"
        ? fromQuotedPrintable(body)
        : Buffer.from(body, "latin1");
  return { bytes, isArmored: bytes.toString("latin1").trimStart().startsWith("-----BEGIN PGP MESSAGE-----") };
}

function fromQuotedPrintable(body: string): Buffer {
  const bytes = body
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9a-f]{2})/gi, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, "latin1");
}

function fieldValue(fields: RawHeaderField[], name: string): string | undefined {
  return fields.find((field) => field.name.toLowerCase() === name)?.value.replace(/\r?\n(?=[ \t])/g, "").trim();
}

/** Header fields as they were written, each ending in a line break. */
function headerLines(fields: RawHeaderField[]): string {
  return fields.map((field) => (/\n$/.test(field.raw) ? field.raw : `${field.raw}\r\n`)).join("");
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Reads and unlocks a private key, as decryption will: the fingerprint, or why it cannot be used. */
export async function describePgpKey(key: PgpKey): Promise<{ ok: true; fingerprint: string; userIds: string[] } | { ok: false; reason: string }> {
  try {
    const privateKey = await unlockedKey(key);
    return { ok: true, fingerprint: privateKey.getFingerprint().toUpperCase(), userIds: privateKey.getUserIDs() };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
