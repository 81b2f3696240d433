import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { divisions } from "../../db/schema";
import { withTenant } from "../../db/tenant";
import { authenticate } from "../../lib/auth/sign-in";
import { listDivisions } from "../../lib/divisions/divisions";
import { makeTenant } from "../setup/db";
import { EMBEDDED_TIMEOUT, embeddedDatabase } from "../setup/embedded";
import { databaseError, rowsOf } from "../setup/tenant-data";

/**
 * Without DATABASE_URL, Postdesk runs on an embedded PGlite under POSTDESK_DATA_DIR: the same
 * migrations, the same tenant flow and the same row-level security as on a Postgres server, and one
 * process at a time. PGlite starts in several seconds on a small machine, hence the long timeouts.
 */

const TIMEOUT = EMBEDDED_TIMEOUT;
const embedded = embeddedDatabase("pglite");
const dataDir = embedded.dataDir;

describe("the embedded database", () => {
  it("is PGlite in POSTDESK_DATA_DIR, migrated, and locked by this process", () => {
    expect(embedded.handle().kind).toBe("embedded");
    expect(fs.existsSync(path.join(dataDir, "pglite"))).toBe(true);
    expect(fs.readFileSync(path.join(dataDir, "pglite.lock"), "utf8")).toBe(String(process.pid));
  });

  it("runs a company's sign-up, sign-in and division list", { timeout: TIMEOUT }, async () => {
    const company = await makeTenant(embedded.handle().db, "Embedded");
    expect((await authenticate(embedded.handle().db, { email: company.email, password: company.password })).ok).toBe(true);
    expect(await authenticate(embedded.handle().db, { email: company.email, password: "wrong-password" })).toEqual({
      ok: false,
      reason: "invalid",
    });
    const scope = { tenantId: company.tenant.id, userId: company.user.id, role: "owner" as const };
    const listed = await withTenant(embedded.handle().db, company.tenant.id, (tx) => listDivisions(tx, scope));
    expect(listed.map((d) => d.id)).toEqual([company.divisionId]);
  });

  it("keeps two companies apart by row-level security alone", { timeout: TIMEOUT }, async () => {
    const a = await makeTenant(embedded.handle().db, "Embedded A");
    const b = await makeTenant(embedded.handle().db, "Embedded B");
    const seen = await withTenant(embedded.handle().db, a.tenant.id, async (tx) => ({
      divisions: await tx.select().from(divisions),
      tenants: rowsOf(await tx.execute(sql`select id from tenants`)),
      users: rowsOf(await tx.execute(sql`select id from users`)),
    }));
    expect(seen.divisions.map((d) => d.id)).toEqual([a.divisionId]);
    expect(seen.tenants.map((t) => t.id)).toEqual([a.tenant.id]);
    expect(seen.users.map((u) => u.id)).toEqual([a.user.id]);
    const insert = withTenant(embedded.handle().db, a.tenant.id, (tx) =>
      tx.insert(divisions).values({ tenantId: b.tenant.id, name: "Sneaky", tag: "SNEAKY" }),
    );
    await expect(insert.catch((error: unknown) => Promise.reject(databaseError(error)))).rejects.toMatchObject({
      code: "42501",
    });
  });

  it("refuses a second process while this one holds it", { timeout: TIMEOUT }, async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, POSTDESK_DATA_DIR: dataDir };
    delete env.DATABASE_URL;
    const child = promisify(execFile)(
      process.execPath,
      [
        "--import",
        "tsx",
        "--input-type=module",
        "-e",
        `const { openDatabase } = await import("./db/client.ts");
         try { await openDatabase(undefined); console.log("opened"); }
         catch (error) { console.log(error.name + ": " + error.message); process.exitCode = 3; }`,
      ],
      { cwd: process.cwd(), env },
    );
    const outcome = await child.then(
      (done) => ({ code: 0, stdout: done.stdout }),
      (failed: { code: number; stdout: string }) => ({ code: failed.code, stdout: failed.stdout }),
    );
    expect(outcome.code).toBe(3);
    expect(outcome.stdout).toContain(
      `EmbeddedDatabaseBusyError: The embedded database in ${dataDir} is in use by another Postdesk process (pid ${process.pid})`,
    );
  });
});
