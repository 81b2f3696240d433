import { sql } from "drizzle-orm";
import type { Database, Transaction } from "./client";
import type { Role } from "./schema";

/**
 * On whose behalf tenant work runs: the signed-in member in the web app, or the operator (no user,
 * full rights) in the CLI and background jobs. Business rules and queries take this, never a tenant
 * id from input.
 */
export interface TenantScope {
  tenantId: string;
  userId: string | null;
  role: Role;
  /** The member's "may permanently delete" right (emptying the trash); absent means no. */
  mayPurge?: boolean;
}

export function operatorScope(tenantId: string): TenantScope {
  return { tenantId, userId: null, role: "owner", mayPurge: true };
}

/**
 * Binds the rest of a transaction to one tenant: `app.tenant_id` is set and the role drops to
 * `postdesk_app`, which row-level security binds. Both are `SET LOCAL`, so they end with the
 * transaction and never leak to another user of a pooled (or PGlite's single) connection.
 */
export async function bindTenant(tx: Transaction, tenantId: string): Promise<void> {
  // One round trip: set_config('role', …, true) is SET LOCAL ROLE, as PostgREST binds its roles.
  await tx.execute(sql`select set_config('app.tenant_id', ${tenantId}, true), set_config('role', 'postdesk_app', true)`);
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
