import { eq } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { type Contact, contacts } from "@/db/schema";
import { findContact } from "@/db/queries/contacts";
import type { TenantScope } from "@/db/tenant";

/** The contact for an address, registered when new; a name learnt later fills an empty one. */
export async function registerContact(
  tx: Executor,
  scope: TenantScope,
  input: { email: string; name?: string | null },
): Promise<Contact> {
  const email = input.email.toLowerCase();
  const name = input.name?.trim() || null;
  await tx.insert(contacts).values({ tenantId: scope.tenantId, email, name }).onConflictDoNothing();
  const contact = (await findContact(tx, scope, { email }))!;
  if (!contact.name && name) {
    await tx.update(contacts).set({ name }).where(eq(contacts.id, contact.id));
    return { ...contact, name };
  }
  return contact;
}
