import * as openpgp from "openpgp";
import { beforeAll, describe, expect, it } from "vitest";
import { parseEmail } from "@/lib/mail/parse";
import { decryptPgp } from "@/lib/mail/pgp";

interface Keys {
  armoredPrivateKey: string;
  publicKey: openpgp.PublicKey;
}

async function keyPair(passphrase?: string): Promise<Keys> {
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: "curve25519",
    userIDs: [{ name: "ACME Support", email: "support@acme.example" }],
    ...(passphrase ? { passphrase } : {}),
  });
  return { armoredPrivateKey: privateKey, publicKey: await openpgp.readKey({ armoredKey: publicKey }) };
}

async function encryptText(text: string, publicKey: openpgp.PublicKey): Promise<string> {
  return openpgp.encrypt({ message: await openpgp.createMessage({ text }), encryptionKeys: publicKey });
}

const outerHeaders = [
  "From: Anna Nowak <anna@customer.example>",
  "To: support@acme.example",
  "Subject: ...",
  "Date: Mon, 3 Jun 2024 10:00:00 +0200",
  "Message-ID: <encrypted-1@customer.example>",
  "MIME-Version: 1.0",
];

/** A PGP/MIME mail (RFC 3156) whose encrypted part holds `entity`. */
async function pgpMimeMail(entity: string, publicKey: openpgp.PublicKey): Promise<Buffer> {
  const armored = await encryptText(entity, publicKey);
  return Buffer.from(
    [
      ...outerHeaders,
      'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="enc"',
      "",
      "This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)",
      "--enc",
      "Content-Type: application/pgp-encrypted",
      "Content-Description: PGP/MIME version identification",
      "",
      "Version: 1",
      "",
      "--enc",
      'Content-Type: application/octet-stream; name="encrypted.asc"',
      'Content-Disposition: inline; filename="encrypted.asc"',
      "",
      armored.trimEnd(),
      "",
      "--enc--",
      "",
    ].join("\r\n"),
  );
}

/** An inline-PGP mail: the armored message in a quoted-printable text/plain body. */
async function inlineMail(before: string, secret: string, after: string, publicKey: openpgp.PublicKey): Promise<Buffer> {
  const armored = (await encryptText(secret, publicKey)).trimEnd();
  const body = `${before}\n${armored}\n${after}`.replace(/=/g, "=3D").replace(/\n/g, "\r\n");
  return Buffer.from(
    [...outerHeaders, "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable", "", body].join("\r\n"),
  );
}

describe("decryptPgp", () => {
  let keys: Keys;
  let otherKeys: Keys;
  let protectedKeys: Keys;

  beforeAll(async () => {
    [keys, otherKeys, protectedKeys] = await Promise.all([keyPair(), keyPair(), keyPair("correct horse")]);
  });

  it("decrypts a PGP/MIME mail into the outer headers and the decrypted entity", async () => {
    const entity = "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nMoja drukarka nie działa.\r\n";
    const result = await decryptPgp(await pgpMimeMail(entity, keys.publicKey), { armoredPrivateKey: keys.armoredPrivateKey, passphrase: null });
    expect(result.kind).toBe("decrypted");
    if (result.kind !== "decrypted") return;
    const email = await parseEmail(result.raw);
    expect(email.text.trim()).toBe("Moja drukarka nie działa.");
    expect(email.from?.address).toBe("anna@customer.example");
    expect(email.messageId).toBe("encrypted-1@customer.example");
    expect(email.problems).toEqual([]);
  });

  it("lets protected headers inside the entity replace the outer ones", async () => {
    const entity = 'Content-Type: text/plain; charset=utf-8; protected-headers="v1"\r\nSubject: Printer broken\r\n\r\nIt is broken.\r\n';
    const result = await decryptPgp(await pgpMimeMail(entity, keys.publicKey), { armoredPrivateKey: keys.armoredPrivateKey, passphrase: null });
    if (result.kind !== "decrypted") throw new Error(result.kind);
    expect((await parseEmail(result.raw)).subject).toBe("Printer broken");
  });

  it("decrypts a multipart entity with an attachment", async () => {
    const entity = [
      'Content-Type: multipart/mixed; boundary="inner"',
      "",
      "--inner",
      "Content-Type: text/plain",
      "",
      "See the log.",
      "--inner",
      'Content-Type: text/plain; name="log.txt"',
      'Content-Disposition: attachment; filename="log.txt"',
      "",
      "error 42",
      "--inner--",
      "",
    ].join("\r\n");
    const result = await decryptPgp(await pgpMimeMail(entity, keys.publicKey), { armoredPrivateKey: keys.armoredPrivateKey, passphrase: null });
    if (result.kind !== "decrypted") throw new Error(result.kind);
    const email = await parseEmail(result.raw);
    expect(email.text.trim()).toBe("See the log.");
    expect(email.attachments.map((attachment) => attachment.filename)).toEqual(["log.txt"]);
  });

  it("replaces an inline armored message by its plaintext", async () => {
    const raw = await inlineMail("Hello,", "Zażółć gęślą jaźń: the password is 1234.", "Anna", keys.publicKey);
    const result = await decryptPgp(raw, { armoredPrivateKey: keys.armoredPrivateKey, passphrase: null });
    if (result.kind !== "decrypted") throw new Error(result.kind);
    const email = await parseEmail(result.raw);
    expect(email.text).toBe("Hello,\nZażółć gęślą jaźń: the password is 1234.\nAnna");
    expect(email.subject).toBe("...");
  });

  it("decrypts with a passphrase-protected key", async () => {
    const raw = await inlineMail("", "secret", "", protectedKeys.publicKey);
    const result = await decryptPgp(raw, { armoredPrivateKey: protectedKeys.armoredPrivateKey, passphrase: "correct horse" });
    expect(result.kind).toBe("decrypted");
  });

  it("fails with a reason when the key is not the recipient's", async () => {
    const result = await decryptPgp(await pgpMimeMail("Content-Type: text/plain\r\n\r\nx", keys.publicKey), {
      armoredPrivateKey: otherKeys.armoredPrivateKey,
      passphrase: null,
    });
    expect(result.kind).toBe("failed");
    if (result.kind === "failed") expect(result.reason).toMatch(/cannot be decrypted/);
  });

  it("fails with a reason when the passphrase is wrong or missing", async () => {
    const raw = await inlineMail("", "secret", "", protectedKeys.publicKey);
    const wrong = await decryptPgp(raw, { armoredPrivateKey: protectedKeys.armoredPrivateKey, passphrase: "wrong" });
    expect(wrong.kind).toBe("failed");
    const missing = await decryptPgp(raw, { armoredPrivateKey: protectedKeys.armoredPrivateKey, passphrase: null });
    expect(missing).toEqual({ kind: "failed", reason: expect.stringMatching(/passphrase/) });
  });

  it("fails with a reason when the key is not a key", async () => {
    const raw = await inlineMail("", "secret", "", keys.publicKey);
    const result = await decryptPgp(raw, { armoredPrivateKey: "not a key", passphrase: null });
    expect(result).toEqual({ kind: "failed", reason: expect.stringMatching(/private key/) });
  });

  it("fails with a reason when the armored message is damaged", async () => {
    const raw = Buffer.from(
      `${outerHeaders.join("\r\n")}\r\n\r\n-----BEGIN PGP MESSAGE-----\r\n\r\nbm90IGEgbWVzc2FnZQ==\r\n-----END PGP MESSAGE-----\r\n`,
    );
    const result = await decryptPgp(raw, { armoredPrivateKey: keys.armoredPrivateKey, passphrase: null });
    expect(result.kind).toBe("failed");
  });

  it("leaves a mail without encryption alone, whatever the key", async () => {
    const plain = Buffer.from(`${outerHeaders.join("\r\n")}\r\n\r\nJust text.\r\n`);
    expect(await decryptPgp(plain, { armoredPrivateKey: "not a key", passphrase: null })).toEqual({ kind: "not-encrypted" });
  });

  it("leaves a signed but not encrypted mail alone", async () => {
    const signed = Buffer.from(
      `${outerHeaders.join("\r\n")}\r\n\r\n-----BEGIN PGP SIGNED MESSAGE-----\r\nHash: SHA256\r\n\r\nHi\r\n-----BEGIN PGP SIGNATURE-----\r\n\r\nabc\r\n-----END PGP SIGNATURE-----\r\n`,
    );
    expect(await decryptPgp(signed, { armoredPrivateKey: keys.armoredPrivateKey, passphrase: null })).toEqual({ kind: "not-encrypted" });
  });
});
