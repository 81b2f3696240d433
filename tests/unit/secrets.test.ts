import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  generateSecretKey,
  needsResealing,
  openSecret,
  parseSecretKeys,
  sealSecret,
  secretKeys,
} from "../../lib/secrets";

const oldKey = `old:${generateSecretKey()}`;
const newKey = `new:${generateSecretKey()}`;

/** Flips one bit of a base64url part of a sealed value. */
function flipBit(part: string, byte = 0): string {
  const bytes = Buffer.from(part, "base64url");
  bytes[byte] = bytes[byte]! ^ 0x01;
  return bytes.toString("base64url");
}

function withPart(sealed: string, index: number, replace: (part: string) => string): string {
  const parts = sealed.split(".");
  parts[index] = replace(parts[index]!);
  return parts.join(".");
}

describe("sealing secrets", () => {
  const keys = parseSecretKeys(oldKey);

  it("opens what it sealed, unicode and empty text included", () => {
    for (const plaintext of ["hunter2", "zażółć gęślą jaźń 🔑 密码", "", "x".repeat(10_000)]) {
      expect(openSecret(sealSecret(plaintext, keys), keys)).toBe(plaintext);
    }
  });

  it("seals the same text differently each time and never shows it", () => {
    const first = sealSecret("same password", keys);
    const second = sealSecret("same password", keys);
    expect(first).not.toBe(second);
    expect(first).toMatch(/^v1\.old\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(first).not.toContain("same password");
  });

  it("refuses a value with any part tampered with", () => {
    const sealed = sealSecret("the mailbox password", keys);
    const tampered = {
      version: withPart(sealed, 0, () => "v2"),
      "key id": withPart(sealed, 1, () => "other"),
      iv: withPart(sealed, 2, (part) => flipBit(part)),
      tag: withPart(sealed, 3, (part) => flipBit(part, 15)),
      "truncated tag": withPart(sealed, 3, (part) => Buffer.from(part, "base64url").subarray(0, 4).toString("base64url")),
      ciphertext: withPart(sealed, 4, (part) => flipBit(part, 3)),
      "shortened ciphertext": withPart(sealed, 4, (part) => Buffer.from(part, "base64url").subarray(1).toString("base64url")),
      "missing part": sealed.split(".").slice(0, 4).join("."),
    };
    for (const [what, value] of Object.entries(tampered)) {
      expect(() => openSecret(value, keys), what).toThrow();
    }
  });

  it("refuses a value relabelled to another key of the ring", () => {
    const ring = parseSecretKeys(`${newKey},${oldKey}`);
    const sealedByOld = sealSecret("relabel me", parseSecretKeys(oldKey));
    expect(() => openSecret(withPart(sealedByOld, 1, () => "new"), ring)).toThrow();
  });
});

describe("rotating keys", () => {
  it("still opens a value sealed with the old key once the new key comes first", () => {
    const sealedByOld = sealSecret("rotate me", parseSecretKeys(oldKey));
    const rotated = parseSecretKeys(`${newKey},${oldKey}`);
    expect(openSecret(sealedByOld, rotated)).toBe("rotate me");
    expect(sealSecret("fresh", rotated).split(".")[1]).toBe("new");
  });

  it("needsResealing tells which values an old key sealed", () => {
    const rotated = parseSecretKeys(`${newKey},${oldKey}`);
    expect(needsResealing(sealSecret("a", parseSecretKeys(oldKey)), rotated)).toBe(true);
    expect(needsResealing(sealSecret("b", rotated), rotated)).toBe(false);
  });

  it("names the missing key when a value's key was rotated out", () => {
    const sealedByOld = sealSecret("gone", parseSecretKeys(oldKey));
    expect(() => openSecret(sealedByOld, parseSecretKeys(newKey))).toThrow(
      "No key with id old in POSTDESK_SECRET_KEY: it may have been rotated out",
    );
  });
});

describe("parsing POSTDESK_SECRET_KEY", () => {
  it("rejects a key that is not 32 bytes", () => {
    for (const bad of [crypto.randomBytes(16), crypto.randomBytes(31), crypto.randomBytes(33)]) {
      expect(() => parseSecretKeys(`k:${bad.toString("base64")}`)).toThrow(
        "POSTDESK_SECRET_KEY: each key must be 32 bytes, base64-encoded",
      );
    }
    expect(() => parseSecretKeys("k:not base64 at all")).toThrow(/32 bytes/);
  });

  it("rejects an empty value and a key id with odd characters", () => {
    expect(() => parseSecretKeys(" , ")).toThrow("POSTDESK_SECRET_KEY is empty");
    expect(() => parseSecretKeys(`bad.id:${generateSecretKey()}`)).toThrow(/key id/);
  });

  it("derives a stable id for a key given without one", () => {
    const key = generateSecretKey();
    const [first] = parseSecretKeys(key);
    const [again] = parseSecretKeys(` ${key} `);
    expect(first!.id).toMatch(/^[0-9a-f]{8}$/);
    expect(again!.id).toBe(first!.id);
  });
});

describe("the key file", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("is generated in POSTDESK_DATA_DIR on first use, readable by its owner only, and reused", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "postdesk-secrets-"));
    try {
      vi.stubEnv("POSTDESK_SECRET_KEY", undefined);
      vi.stubEnv("POSTDESK_DATA_DIR", path.join(dir, "data"));
      const sealed = sealSecret("kept across restarts");
      const file = path.join(dir, "data", "secret.key");
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      const [key] = secretKeys();
      expect(fs.readFileSync(file, "utf8").trim()).toBe(key!.key.toString("base64"));
      // A second use (as after a restart) reads the same file instead of making a new key.
      expect(secretKeys()[0]!.key.equals(key!.key)).toBe(true);
      expect(openSecret(sealed, parseSecretKeys(fs.readFileSync(file, "utf8")))).toBe("kept across restarts");
      expect(fs.readdirSync(path.join(dir, "data"))).toEqual(["secret.key"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is not used when POSTDESK_SECRET_KEY is set", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "postdesk-secrets-"));
    try {
      vi.stubEnv("POSTDESK_SECRET_KEY", newKey);
      vi.stubEnv("POSTDESK_DATA_DIR", dir);
      expect(secretKeys().map((k) => k.id)).toEqual(["new"]);
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
