import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { dataDir } from "@/db/client";

/**
 * Secrets in rows (mailbox passwords, OAuth tokens, PGP keys) are sealed with AES-256-GCM.
 * A sealed value reads `v1.<key id>.<iv>.<tag>.<ciphertext>` (base64url parts), so the key that
 * sealed it is known and keys can rotate: `POSTDESK_SECRET_KEY` holds one or more comma-separated
 * keys, the first seals and all of them open. A key is `<id>:<base64 of 32 bytes>`, or just the
 * base64, whose id is then derived from the key itself.
 */

export interface SecretKey {
  id: string;
  key: Buffer;
}

const VERSION = "v1";

export function parseSecretKeys(value: string): SecretKey[] {
  const keys = value
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [maybeId, maybeKey] = part.includes(":") ? part.split(":", 2) : [undefined, part];
      const key = Buffer.from(maybeKey ?? "", "base64");
      if (key.length !== 32) {
        throw new Error("POSTDESK_SECRET_KEY: each key must be 32 bytes, base64-encoded");
      }
      const id = maybeId || crypto.createHash("sha256").update(key).digest("hex").slice(0, 8);
      if (!/^[A-Za-z0-9_-]+$/.test(id)) {
        throw new Error("POSTDESK_SECRET_KEY: a key id may hold only letters, digits, _ and -");
      }
      return { id, key };
    });
  if (keys.length === 0) throw new Error("POSTDESK_SECRET_KEY is empty");
  return keys;
}

export function generateSecretKey(): string {
  return crypto.randomBytes(32).toString("base64");
}

let cachedKeys: { source: string; keys: SecretKey[] } | undefined;

/**
 * The keys from `POSTDESK_SECRET_KEY`, or from `.data/secret.key`, generated there on first run so
 * that `npm start` needs no configuration.
 */
export function secretKeys(): SecretKey[] {
  const fromEnv = process.env.POSTDESK_SECRET_KEY;
  const source = fromEnv ?? readOrCreateKeyFile();
  if (cachedKeys?.source !== source) cachedKeys = { source, keys: parseSecretKeys(source) };
  return cachedKeys.keys;
}

function readOrCreateKeyFile(): string {
  const file = path.join(dataDir(), "secret.key");
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    fs.writeFileSync(file, `${generateSecretKey()}\n`, { flag: "wx", mode: 0o600 });
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return fs.readFileSync(file, "utf8").trim();
}

export function sealSecret(plaintext: string, keys: SecretKey[] = secretKeys()): string {
  const current = keys[0]!;
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", current.key, iv);
  // The key id is bound as associated data so a value cannot be relabelled to another key.
  cipher.setAAD(Buffer.from(current.id));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [
    VERSION,
    current.id,
    iv.toString("base64url"),
    cipher.getAuthTag().toString("base64url"),
    ciphertext.toString("base64url"),
  ].join(".");
}

export function openSecret(sealed: string, keys: SecretKey[] = secretKeys()): string {
  const [version, id, iv, tag, ciphertext] = sealed.split(".");
  if (version !== VERSION || !id || !iv || !tag || ciphertext === undefined) {
    throw new Error("Not a sealed secret");
  }
  const key = keys.find((candidate) => candidate.id === id);
  if (!key) throw new Error(`No key with id ${id} in POSTDESK_SECRET_KEY: it may have been rotated out`);
  // A full 16-byte tag only: without authTagLength, Node accepts a tag cut down to 4 bytes, and a
  // forger then needs 2^32 tries instead of 2^128.
  const decipher = crypto.createDecipheriv("aes-256-gcm", key.key, Buffer.from(iv, "base64url"), {
    authTagLength: 16,
  });
  decipher.setAAD(Buffer.from(id));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([
    decipher.update(Buffer.from(ciphertext, "base64url")),
    decipher.final(),
  ]).toString("utf8");
}

/** Whether a sealed value was sealed by a key other than the current one (re-seal it to rotate). */
export function needsResealing(sealed: string, keys: SecretKey[] = secretKeys()): boolean {
  return sealed.split(".")[1] !== keys[0]!.id;
}

/** A key for another purpose (e.g. signing sessions), derived from the current secret key. */
export function deriveKey(purpose: string, keys: SecretKey[] = secretKeys()): string {
  return Buffer.from(
    crypto.hkdfSync("sha256", keys[0]!.key, Buffer.alloc(0), `postdesk:${purpose}`, 32),
  ).toString("base64url");
}
