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
  /** "Access to other operators' email accounts" (migration 0024); absent means no. */
  mayReadOthersMailboxes?: boolean;
}

export function operatorScope(tenantId: string): TenantScope {
  return { tenantId, userId: null, role: "owner", mayPurge: true };
}

/**
 * Binds the rest of a transaction to one tenant: `app.tenant_id` is set and the role drops to
 * `postdesk_app`, which row-level security binds. With `userId`, to one member of it too
 * (`app.user_id`): the policies of migration 0024 then hide the tickets of mailboxes that member may
 * not see. All are `SET LOCAL`, so they end with the transaction and never leak to another user of a
 * pooled (or PGlite's single) connection.
 */
export async function bindTenant(tx: Transaction, tenantId: string, userId: string | null = null): Promise<void> {
  // One round trip: set_config('role', …, true) is SET LOCAL ROLE, as PostgREST binds its roles.
  await tx.execute(
    sql`select set_config('app.tenant_id', ${tenantId}, true), set_config('app.user_id', ${userId ?? ""}, true), set_config('role', 'postdesk_app', true)`,
  );
}

/** Runs `work` in a transaction bound to one tenant, as the operator (everything visible). */
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

/**
 * Whether a member sees the tickets of every mailbox: owners, administrators and those with access to
 * other operators' email accounts. The rule migration 0024's `postdesk_hidden_mailboxes_of` applies.
 */
export function seesEveryMailbox(scope: TenantScope): boolean {
  return scope.role === "owner" || scope.role === "admin" || scope.mayReadOthersMailboxes === true;
}

/** The member a transaction is bound to: none for one who sees every mailbox (see withScope). */
function boundMember(scope: TenantScope): string | null {
  return seesEveryMailbox(scope) ? null : scope.userId;
}

/**
 * Runs `work` in a transaction bound to one tenant and, for a member whose view is narrowed by
 * mailbox, to them. One who sees every mailbox is bound as the operator is: the policies then skip
 * their per-statement lookup, and would find nothing to hide anyway.
 */
export function withScope<T>(
  db: Database,
  scope: TenantScope,
  work: (tx: Transaction) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    await bindTenant(tx, scope.tenantId, boundMember(scope));
    return work(tx);
  });
}

/**
 * Runs one step of a tenant's transaction outside the tenant: as the connection's own role, which
 * row-level security does not bind and which may reach the tables the app role has no grant on
 * (account mail, a person's memberships in other companies). For the few steps of a member's
 * action that concern the person or the operator rather than the company; the transaction is
 * bound to the tenant and member again before anything else runs in it.
 */
export async function outsideTenant<T>(tx: Transaction, scope: TenantScope, work: () => Promise<T>): Promise<T> {
  // SET LOCAL ROLE NONE: back to the session's role until bindTenant sets the app role again.
  await tx.execute(sql`select set_config('role', 'none', true)`);
  const result = await work();
  await bindTenant(tx, scope.tenantId, boundMember(scope));
  return result;
}
