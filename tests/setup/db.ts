import crypto from "node:crypto";
import postgres from "postgres";
import { afterAll, inject } from "vitest";
import { openDatabase, type Database } from "../../db/client";
import { signUp } from "../../lib/tenants/sign-up";

/** The run's database, opened once per test file and closed after it. */
export async function testDatabase(): Promise<Database> {
  const handle = await openDatabase(inject("databaseUrl"));
  afterAll(() => handle.close());
  return handle.db;
}

/** A new company with its owner and first division; unique per call. */
export async function makeTenant(db: Database, name = "Acme") {
  const suffix = crypto.randomBytes(4).toString("hex");
  const email = `owner-${suffix}@${name.toLowerCase().replace(/[^a-z0-9]/g, "") || "x"}.test`;
  const password = `Correct-Horse-${suffix}`;
  const result = await signUp(db, {
    companyName: `${name} ${suffix}`,
    adminName: `${name} Owner`,
    email,
    password,
  });
  return { ...result, email, password };
}

/**
 * A database of this test file's own, for work that spans every tenant (a dispatcher polls all
 * mailboxes, a sender sends all mail): in the run's shared database it would take other files' mail.
 */
export async function ownDatabase(): Promise<{ db: Database; url: string }> {
  const serverUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const name = `postdesk_own_${Date.now()}_${crypto.randomBytes(3).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase(url.toString());
  afterAll(async () => {
    await handle.close();
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  });
  return { db: handle.db, url: url.toString() };
}
