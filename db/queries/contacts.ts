import { and, eq, isNotNull } from "drizzle-orm";
import type { Executor } from "../client";
import { type Contact, contacts } from "../schema";
import type { TenantScope } from "../tenant";

/** The tenant's contact with this address (addresses are stored lowercased), or null. */
export async function findContact(tx: Executor, scope: TenantScope, input: { email: string }): Promise<Contact | null> {
  const [contact] = await tx
    .select()
    .from(contacts)
    .where(and(eq(contacts.tenantId, scope.tenantId), eq(contacts.email, input.email.toLowerCase())));
  return contact ?? null;
}

/**
 * Whether an address belongs to a contact of the tenant who unsubscribed: checked again when a mass
 * mail is sent, since someone may unsubscribe from one mailing while the next is still queued.
 */
export async function isUnsubscribed(tx: Executor, scope: TenantScope, input: { address: string }): Promise<boolean> {
  const [row] = await tx
    .select({ id: contacts.id })
    .from(contacts)
    .where(
      and(
        eq(contacts.tenantId, scope.tenantId),
        eq(contacts.email, input.address.toLowerCase()),
        isNotNull(contacts.unsubscribedAt),
      ),
    );
  return Boolean(row);
}
