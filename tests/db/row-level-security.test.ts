import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Executor, Transaction } from "../../db/client";
import { divisions } from "../../db/schema";
import { bindTenant, withTenant } from "../../db/tenant";
import { testDatabase } from "../setup/db";
import {
  belongsTo,
  databaseError,
  makeFilledTenant,
  memberUserIds,
  rowsOf,
  rowsOfTenant,
  snapshotTenant,
  tableNamesWithTenantId,
  tenantRowsIn,
  type TenantTable,
  tenantTables,
} from "../setup/tenant-data";

/**
 * The second wall: row-level security alone keeps tenants apart, whatever a query forgets. Every
 * query here runs without a tenant filter of its own, as `postdesk_app` with tenant A bound.
 *
 * How it was checked that these tests bite: the last describe block does it for real, in
 * transactions that are rolled back. With row-level security switched off on `divisions`, the very
 * query of the first test sees B's division; with the policy dropped (RLS still on) the app role
 * sees nothing at all, which "sees all of its own rows" catches; and a table with a tenant_id column
 * but no policy is reported by the catalog check. Also done once by hand: with the line
 * `ALTER TABLE "contacts" ENABLE ROW LEVEL SECURITY` taken out of db/migrations/0000_init.sql, every
 * data test here except the divisions-only one failed, each naming contacts.
 */

const db = await testDatabase();

class Rollback extends Error {}

/** Runs `work` in a transaction that is always rolled back, and returns what it returned. */
async function inRolledBackTransaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
  let result: T | undefined;
  await db
    .transaction(async (tx) => {
      result = await work(tx);
      throw new Rollback();
    })
    .catch((error: unknown) => {
      if (!(error instanceof Rollback)) throw error;
    });
  return result as T;
}

async function twoTenants() {
  const a = await makeFilledTenant(db, "Alpha");
  const b = await makeFilledTenant(db, "Beta");
  return {
    a,
    b,
    aUsers: await memberUserIds(db, a.tenant.id),
    bUsers: await memberUserIds(db, b.tenant.id),
  };
}

/** One row of the tenant in `table` as JSON, read as the owner, with a fresh primary key. */
async function copyOfRow(table: TenantTable, tenantId: string, userIds: string[]) {
  const [found] = rowsOf(
    await db.execute(
      sql`select to_jsonb(t) as row from ${sql.identifier(table.name)} t where ${rowsOfTenant(table, tenantId, userIds)} limit 1`,
    ),
  );
  const row = { ...(found!.row as Record<string, unknown>) };
  // A copy with a new id (the default fills it in) and a new email, so that only the policy can refuse it.
  delete row.id;
  // Generated columns are the database's to fill (tickets.status_code).
  const generated = rowsOf(
    await db.execute(
      sql`select column_name as name from information_schema.columns where table_schema = 'public' and table_name = ${table.name} and is_generated = 'ALWAYS'`,
    ),
  );
  for (const column of generated) delete row[column.name as string];
  if (typeof row.email === "string") row.email = `copy-${row.email}`;
  return row;
}

function insertCopy(tx: Executor, table: TenantTable, row: Record<string, unknown>) {
  const columns = sql.join(
    Object.keys(row).map((column) => sql.identifier(column)),
    sql`, `,
  );
  const name = sql.identifier(table.name);
  return tx.execute(
    sql`insert into ${name} (${columns})
        select ${columns} from jsonb_populate_record(null::${name}, ${JSON.stringify(row)}::jsonb)`,
  );
}

async function expectRefusedByPolicy(attempt: Promise<unknown>, table: string) {
  const error = await attempt.then(
    () => new Error(`the write to ${table} was accepted`),
    (caught: unknown) => caught,
  );
  expect(databaseError(error), table).toMatchObject({
    code: "42501",
    message: expect.stringMatching(/row-level security/),
  });
}

describe("row-level security on its own", () => {
  it("the fixture has rows of both tenants in every tenant table, so no check below is vacuous", async () => {
    const { a, b, aUsers, bUsers } = await twoTenants();
    const empty: string[] = [];
    for (const tenant of [
      { id: a.tenant.id, users: aUsers },
      { id: b.tenant.id, users: bUsers },
    ]) {
      const snapshot = await snapshotTenant(db, tenant.id);
      for (const table of tenantTables) if (snapshot[table.name]!.length === 0) empty.push(table.name);
    }
    expect(empty, "add rows for these tables to makeFilledTenant in tests/setup/tenant-data.ts").toEqual([]);
  });

  it("a select without a tenant filter sees all of A's divisions and none of B's", async () => {
    const { a, b } = await twoTenants();
    const seen = await withTenant(db, a.tenant.id, (tx) => tx.select().from(divisions));
    expect(seen.map((d) => d.id).sort()).toEqual([a.divisionId, a.secondDivisionId].sort());
    expect(seen.some((d) => d.tenantId === b.tenant.id)).toBe(false);
  });

  it("a raw select * of every tenant table sees exactly A's rows", async () => {
    const { a, aUsers } = await twoTenants();
    const aSnapshot = await snapshotTenant(db, a.tenant.id);
    const problems: string[] = [];
    await withTenant(db, a.tenant.id, async (tx) => {
      for (const table of tenantTables) {
        const rows = rowsOf(await tx.execute(sql`select * from ${sql.identifier(table.name)}`));
        const foreign = rows.filter((row) => !belongsTo(table, row, a.tenant.id, aUsers));
        if (foreign.length > 0) problems.push(`${table.name}: ${foreign.length} rows of another tenant`);
        if (rows.length !== aSnapshot[table.name]!.length) {
          problems.push(`${table.name}: sees ${rows.length} rows, A has ${aSnapshot[table.name]!.length}`);
        }
      }
    });
    expect(problems).toEqual([]);
  });

  it("refuses to insert a row with B's tenant into any tenant table", async () => {
    const { a, b, bUsers } = await twoTenants();
    for (const table of tenantTables) {
      const row = await copyOfRow(table, b.tenant.id, bUsers);
      await expectRefusedByPolicy(
        withTenant(db, a.tenant.id, (tx) => insertCopy(tx, table, row)),
        table.name,
      );
    }
    const after = await db.execute(sql`select count(*)::int as n from divisions where tenant_id = ${b.tenant.id}`);
    expect(rowsOf(after)[0]!.n).toBe(2);
  });

  it("refuses to move one of A's rows into B", async () => {
    const { a, b } = await twoTenants();
    for (const table of tenantTables.filter((t) => t.kind === "tenant_id")) {
      await expectRefusedByPolicy(
        withTenant(db, a.tenant.id, (tx) =>
          tx.execute(sql`update ${sql.identifier(table.name)} set tenant_id = ${b.tenant.id}`),
        ),
        table.name,
      );
    }
  });

  it("an update or delete without a tenant filter touches none of B's rows", async () => {
    const { a, b, bUsers } = await twoTenants();
    const before = await snapshotTenant(db, b.tenant.id);
    for (const table of tenantTables) {
      const firstColumn = sql.identifier(table.columns[0]!);
      const bRowsAfter = await inRolledBackTransaction(async (tx) => {
        await bindTenant(tx, a.tenant.id);
        await tx.execute(sql`update ${sql.identifier(table.name)} set ${firstColumn} = ${firstColumn}`);
        await tx.execute(sql`delete from ${sql.identifier(table.name)}`);
        // Back to the owner within the same transaction, to see what is left of B.
        await tx.execute(sql`reset role`);
        return tenantRowsIn(tx, table, b.tenant.id, bUsers);
      });
      expect(bRowsAfter, table.name).toEqual(before[table.name]);
    }
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(before);
  });

  it("the app role with no tenant bound sees nothing and writes nothing", async () => {
    const { b, bUsers } = await twoTenants();
    const seen: string[] = [];
    await db.transaction(async (tx) => {
      await tx.execute(sql`set local role postdesk_app`);
      for (const table of tenantTables) {
        const rows = rowsOf(await tx.execute(sql`select * from ${sql.identifier(table.name)}`));
        if (rows.length > 0) seen.push(`${table.name}: ${rows.length}`);
      }
    });
    expect(seen).toEqual([]);
    const division = tenantTables.find((t) => t.name === "divisions")!;
    const row = await copyOfRow(division, b.tenant.id, bUsers);
    await expectRefusedByPolicy(
      db.transaction(async (tx) => {
        await tx.execute(sql`set local role postdesk_app`);
        await insertCopy(tx, division, { ...row, name: "Sneaky", tag: "SNEAKY" });
      }),
      "divisions",
    );
  });

  it("an unknown tenant id bound sees nothing", async () => {
    await twoTenants();
    const seen: string[] = [];
    await withTenant(db, crypto.randomUUID(), async (tx) => {
      for (const table of tenantTables) {
        const rows = rowsOf(await tx.execute(sql`select * from ${sql.identifier(table.name)}`));
        if (rows.length > 0) seen.push(`${table.name}: ${rows.length}`);
      }
    });
    expect(seen).toEqual([]);
  });

  it("the app role cannot read sign-in throttling, sign-ups, password resets or account mail at all", async () => {
    const { a } = await twoTenants();
    for (const table of ["sign_in_attempts", "pending_sign_ups", "password_resets", "account_mail"]) {
      const attempt = withTenant(db, a.tenant.id, (tx) => tx.execute(sql`select * from ${sql.identifier(table)}`));
      await expect(attempt.catch((error: unknown) => Promise.reject(databaseError(error))), table).rejects.toMatchObject({
        code: "42501",
      });
    }
  });
});

/** The policy's condition as Postgres prints it back: the row's tenant is the one bound. */
const tenantCondition =
  "(tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid)";

/** Tables with a tenant_id column that lack row-level security or a proper tenant_isolation policy. */
async function tablesWithoutTheWall(tx: Executor): Promise<string[]> {
  const rows = rowsOf(
    await tx.execute(sql`
      select c.relname as table,
             c.relrowsecurity as rls,
             exists (
               select 1 from pg_policies p
               where p.schemaname = 'public' and p.tablename = c.relname
                 and p.policyname = 'tenant_isolation' and p.cmd = 'ALL' and p.permissive = 'PERMISSIVE'
                 and p.qual = ${tenantCondition} and p.with_check = ${tenantCondition}
             ) as policy
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p')
        and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)
      order by 1`),
  );
  return rows
    .filter((row) => !row.rls || !row.policy)
    .map((row) => `${row.table}${row.rls ? "" : " (RLS off)"}${row.policy ? "" : " (no policy)"}`);
}

describe("the catalog", () => {
  it("every table with a tenant_id column has row-level security on and the tenant_isolation policy", async () => {
    expect(await tablesWithoutTheWall(db)).toEqual([]);
  });

  it("the tables with a tenant_id column in the database are exactly those of the schema", async () => {
    const rows = rowsOf(
      await db.execute(sql`
        select distinct c.relname as table from pg_class c
        join pg_namespace n on n.oid = c.relnamespace
        join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
        where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1`),
    );
    expect(rows.map((row) => row.table)).toEqual(tableNamesWithTenantId);
  });

  it("tenants and users are behind their own policies", async () => {
    const rows = rowsOf(
      await db.execute(sql`
        select c.relname as table, c.relrowsecurity as rls,
               (select count(*)::int from pg_policies p
                where p.tablename = c.relname and p.policyname = 'tenant_isolation') as policies
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relname in ('tenants', 'users') order by 1`),
    );
    expect(rows).toEqual([
      { table: "tenants", rls: true, policies: 1 },
      { table: "users", rls: true, policies: 1 },
    ]);
  });

  it("the app role owns nothing and cannot bypass row-level security", async () => {
    const [role] = rowsOf(
      await db.execute(sql`select rolsuper, rolbypassrls, rolcanlogin from pg_roles where rolname = 'postdesk_app'`),
    );
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false, rolcanlogin: false });
    const owned = rowsOf(await db.execute(sql`select tablename from pg_tables where tableowner = 'postdesk_app'`));
    expect(owned).toEqual([]);
  });
});

describe("these tests bite (each in a transaction that is rolled back)", () => {
  async function divisionsSeenByA(a: { tenant: { id: string } }, tx: Transaction) {
    await bindTenant(tx, a.tenant.id);
    return (await tx.select().from(divisions)).map((d) => d.tenantId);
  }

  it("with row-level security off on divisions, A's unfiltered select sees B's divisions", async () => {
    const { a, b } = await twoTenants();
    const seen = await inRolledBackTransaction(async (tx) => {
      await tx.execute(sql`alter table divisions disable row level security`);
      return divisionsSeenByA(a, tx);
    });
    expect(seen).toContain(b.tenant.id);
  });

  it("with the policy dropped, A sees not even its own divisions, which the tests above catch", async () => {
    const { a } = await twoTenants();
    const seen = await inRolledBackTransaction(async (tx) => {
      await tx.execute(sql`drop policy tenant_isolation on divisions`);
      return divisionsSeenByA(a, tx);
    });
    expect(seen).toEqual([]);
  });

  it("a new table with a tenant_id column but no policy is reported", async () => {
    const reported = await inRolledBackTransaction(async (tx) => {
      await tx.execute(sql`create table rls_probe (id uuid primary key, tenant_id uuid not null)`);
      await tx.execute(sql`create table rls_probe_open (id uuid primary key, tenant_id uuid not null)`);
      await tx.execute(sql`alter table rls_probe_open enable row level security`);
      await tx.execute(sql`create policy tenant_isolation on rls_probe_open using (true)`);
      return tablesWithoutTheWall(tx);
    });
    expect(reported).toEqual(["rls_probe (RLS off) (no policy)", "rls_probe_open (no policy)"]);
  });
});
