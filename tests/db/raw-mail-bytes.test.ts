import crypto from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Database, type DatabaseHandle, openDatabase } from "../../db/client";
import { byteaParameter } from "../../db/bytea-parameter";
import { BYTEA_SLICE } from "../../db/large-bytea";
import { inboundEmails } from "../../db/schema";
import { operatorScope, withTenant } from "../../db/tenant";
import { readRawMail, sha256, storeInboundEmail } from "../../lib/inbound/store";
import { makeTenant } from "../setup/db";
import { embeddedDatabase } from "../setup/embedded";

/**
 * The raw mail is kept byte for byte however it travels: as one parameter (small mail), a slice at a
 * time through a large object (bigger than a slice), and read back a slice at a time; on a Postgres
 * server through postgres.js (text parameters, escape or hex) and on the embedded PGlite (binary).
 */

const TIMEOUT = 60_000;

/** Every byte value, the escape format's own backslash and `\x` prefix, NUL and 8-bit runs. */
function awkwardBytes(size: number): Buffer {
  const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const head = Buffer.from("\\x41\\\\\\000 From: a@b.test\r\n\r\n", "latin1");
  const bytes = Buffer.concat([head, every, crypto.randomBytes(Math.max(0, size - head.length - every.length))]);
  return bytes.subarray(0, Math.max(size, head.length + every.length));
}

/** Mostly 7-bit, as mail is: the escape format sends it as it is. */
function asciiMail(size: number): Buffer {
  return Buffer.from(`Subject: big\r\n\r\n${crypto.randomBytes(size).toString("base64")}`.slice(0, size), "latin1");
}

async function storeAndReadBack(db: Database, raw: Buffer) {
  const company = await makeTenant(db, "Bytes");
  const { email } = await storeInboundEmail(db, {
    tenantId: company.tenant.id,
    divisionId: company.divisionId,
    mailboxId: null,
    uniqueKey: `import:${sha256(raw)}`,
    raw,
  });
  return withTenant(db, company.tenant.id, async (tx) => {
    const [stored] = await tx
      .select({ sha256: inboundEmails.sha256, digest: sql<string>`encode(sha256(${inboundEmails.raw}), 'hex')` })
      .from(inboundEmails)
      .where(and(eq(inboundEmails.tenantId, company.tenant.id), eq(inboundEmails.id, email.id)));
    const read = await readRawMail(tx, operatorScope(company.tenant.id), email.id);
    const largeObjects = await tx.execute(sql`select count(*)::int as n from pg_largeobject_metadata`);
    return { stored, read, largeObjects };
  });
}

function bytesAreKept(database: () => Database) {
  it.each([
    ["a small mail of every byte value", awkwardBytes(4096)],
    ["a mail of every byte value bigger than a slice", awkwardBytes(3 * BYTEA_SLICE + 12_345)],
    ["a 7-bit mail bigger than the read slices", asciiMail(9 * 1024 * 1024 + 7)],
  ])("%s is stored and read back byte for byte", { timeout: TIMEOUT }, async (_name, raw) => {
    const { stored, read } = await storeAndReadBack(database(), raw);
    expect(stored).toEqual({ sha256: sha256(raw), digest: sha256(raw) });
    expect(read.equals(raw)).toBe(true);
  });

  it("leaves no large object behind once a big mail is stored", { timeout: TIMEOUT }, async () => {
    const { largeObjects } = await storeAndReadBack(database(), awkwardBytes(2 * BYTEA_SLICE + 1));
    const rows = Array.isArray(largeObjects) ? largeObjects : (largeObjects as { rows: unknown[] }).rows;
    expect(rows).toEqual([{ n: 0 }]);
  });
}

describe("on a Postgres server (postgres.js)", () => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await openDatabase(inject("databaseUrl"));
  });
  afterAll(() => handle?.close());
  bytesAreKept(() => handle.db);

  it("sends 7-bit bytes as they are and 8-bit ones as hex, never bigger than hex", () => {
    const ascii = Buffer.from("From: a@b.test\r\n\r\nHello");
    expect(byteaParameter(ascii)).toBe(ascii);
    expect(byteaParameter(Buffer.from("a\\b\x00c", "latin1")).toString("latin1")).toBe("a\\\\b\\000c");
    const binary = crypto.randomBytes(1000);
    expect(byteaParameter(binary).toString("latin1")).toBe(`\\x${binary.toString("hex")}`);
  });
});

describe("on the embedded PGlite", () => {
  const embedded = embeddedDatabase("pglite-bytes");
  bytesAreKept(() => embedded.handle().db);
});
