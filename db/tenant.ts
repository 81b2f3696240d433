import { sql } from "drizzle-orm";
import type { Database, Transaction } from "./client";

/**
 * Binds the rest of a transaction to one tenant: `app.tenant_id` is set and the role drops to
 * `postdesk_app`, which row-level security binds. Both are `SET LOCAL`, so they end with the
 * transaction and never leak to another user of a pooled (or PGlite's single) connection.
 */
export async function bindTenant(tx: Transaction, tenantId: string): Promise<void> {
  await tx.execute(sql`select set_config('app.tenant_id', ${tenantId}, true)`);
  await tx.execute(sql`set local role postdesk_app`);
}

/** Runs `work` in a transaction bound to one tenant. */
export function withTenant<T>(
  db: Database,
  tenantId: string,
  work: (tx: Transaction) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    await bindTenant(tx, tenantId);
    return work(tx);
  });
}
