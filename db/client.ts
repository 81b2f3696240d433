import fs from "node:fs";
import path from "node:path";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import * as schema from "./schema";
import { byteaParameter } from "./bytea-parameter";
import { acquireEmbeddedLock } from "./embedded-lock";

export type Schema = typeof schema;
/** The database or a transaction on it: what every query function takes. */
export type Database = PgDatabase<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type Transaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type Executor = Database | Transaction;

export interface DatabaseHandle {
  db: Database;
  kind: "postgres" | "embedded";
  close(): Promise<void>;
}

/** The type oid of bytea (pg_type.h). */
const BYTEA = 17;

export const migrationsFolder = path.join(process.cwd(), "db", "migrations");

export function dataDir(): string {
  // A run-time folder, not a source: keep the bundler from tracing the project through it.
  return path.resolve(/*turbopackIgnore: true*/ process.env.POSTDESK_DATA_DIR ?? path.join(process.cwd(), ".data"));
}

/**
 * Opens the database the environment names: `DATABASE_URL` set means a Postgres server through
 * postgres.js; unset means the embedded PGlite under `.data/`, which one process may hold at a time.
 * Migrations are applied before the handle is returned.
 */
export async function openDatabase(
  url: string | undefined = process.env.DATABASE_URL,
): Promise<DatabaseHandle> {
  const handle = url ? await openPostgres(url) : await openEmbedded();
  try {
    await migrateDatabase(handle);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}

/**
 * How the app talks to a Postgres server (the bench measures through the same). The queue's plans
 * are index walks of a few hundred rows: JIT would compile for longer than they run, and a generic
 * plan reused across tenants would plan for the average tenant (a hash of all its contacts) rather
 * than this one.
 */
export const postgresOptions = {
  onnotice: () => {},
  connection: { jit: "off", plan_cache_mode: "force_custom_plan" },
} as const;

async function openPostgres(url: string): Promise<DatabaseHandle> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const client = postgres(url, { max: 10, ...postgresOptions });
  // Set on the serializers, not as a custom type (`types`): a custom bytea type would also take over
  // reading bytea, which postgres.js otherwise receives in binary, at its size. Drizzle sets its
  // date serializers the same way.
  client.options.serializers[BYTEA] = byteaParameter;
  const db = drizzle({ client, schema, casing: "snake_case" });
  return {
    db: db as unknown as Database,
    kind: "postgres",
    close: () => client.end({ timeout: 5 }),
  };
}

async function openEmbedded(): Promise<DatabaseHandle> {
  const dir = dataDir();
  fs.mkdirSync(dir, { recursive: true });
  const release = acquireEmbeddedLock(dir);
  try {
    const { PGlite } = await import("@electric-sql/pglite");
    // Search's extensions (migration 0021), which PGlite ships as modules of its own.
    const { unaccent } = await import("@electric-sql/pglite/contrib/unaccent");
    const { pg_trgm } = await import("@electric-sql/pglite/contrib/pg_trgm");
    const { drizzle } = await import("drizzle-orm/pglite");
    // PGlite's Bind sends a parameter serialized to bytes in binary format (its types say a
    // serializer returns a string): bytea goes as itself, not as PGlite's default `\x` hex string,
    // which it builds a byte at a time (gigabytes of garbage for a 30 MB mail).
    const byteaAsItself = (value: unknown) => (value instanceof Uint8Array ? value : Buffer.from(String(value)));
    const client = await PGlite.create(path.join(dir, "pglite"), {
      serializers: { [BYTEA]: byteaAsItself as unknown as (value: unknown) => string },
      extensions: { unaccent, pg_trgm },
    });
    const db = drizzle({ client, schema, casing: "snake_case" });
    return {
      db: db as unknown as Database,
      kind: "embedded",
      close: async () => {
        await client.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

async function migrateDatabase(handle: DatabaseHandle): Promise<void> {
  if (handle.kind === "postgres") {
    const { migrate } = await import("drizzle-orm/postgres-js/migrator");
    await migrate(handle.db as never, { migrationsFolder });
  } else {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    await migrate(handle.db as never, { migrationsFolder });
  }
}
