import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import type { Database } from "../../db/client";
import * as schema from "../../db/schema";

export interface Statement {
  query: string;
  params: unknown[];
}

/**
 * A drizzle of our own on `url`, configured as db/client.ts does, that hands us each statement it
 * runs: EXPLAIN runs them again to show their plans. `client` is its connection, for the EXPLAINs.
 */
export function tracedDatabase(url: string, options: postgres.Options<Record<string, never>>) {
  const client = postgres(url, options);
  const statements: Statement[] = [];
  const db = drizzle({
    client,
    schema,
    casing: "snake_case",
    logger: { logQuery: (query, params) => void statements.push({ query, params }) },
  }) as unknown as Database;
  return { db, client, statements };
}
