import crypto from "node:crypto";
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
