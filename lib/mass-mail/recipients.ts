import { and, desc, eq, ilike, max, or, type SQL } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { contacts, tickets } from "@/db/schema";
import { getDivision } from "@/lib/divisions/divisions";
import { isRoleAddress } from "@/lib/mail/role-address";
import type { TenantScope } from "@/db/tenant";

/** A contact a division's mass mail can go to. */
export interface MassMailRecipient {
  contactId: string;
  email: string;
  name: string | null;
  /** When their latest ticket in the division was opened. */
  lastTicketAt: Date;
  unsubscribed: boolean;
  /** postmaster@, no-reply@ and the like: nobody asked for mail there (see isRoleAddress). */
  roleAddress: boolean;
}

/**
 * A division's contacts: everyone with a ticket in it, latest ticket first. `search` matches a part
 * of the name or the address. Unsubscribed contacts are listed too (flagged), so staff see why someone
 * will not get the mail. Role addresses (postmaster@, no-reply@…) are left out unless
 * `includeRoleAddresses`: such a contact came from a bounce or an automated notice, not a customer who
 * would want the mailing, and "select all" would otherwise pick them too.
 */
export async function listDivisionContacts(
  tx: Executor,
  scope: TenantScope,
  input: { divisionId: string; search?: string; limit?: number; includeRoleAddresses?: boolean },
): Promise<MassMailRecipient[]> {
  await getDivision(tx, scope, input.divisionId);
  const lastTicketAt = max(tickets.createdAt);
  const rows = await tx
    .select({
      contactId: contacts.id,
      email: contacts.email,
      name: contacts.name,
      unsubscribedAt: contacts.unsubscribedAt,
      lastTicketAt,
    })
    .from(contacts)
    .innerJoin(
      tickets,
      and(
        eq(tickets.contactId, contacts.id),
        eq(tickets.tenantId, scope.tenantId),
        eq(tickets.divisionId, input.divisionId),
      ),
    )
    .where(and(eq(contacts.tenantId, scope.tenantId), matching(input.search)))
    .groupBy(contacts.id)
    .orderBy(desc(lastTicketAt), contacts.email)
    .limit(input.limit ?? 5000);
  const listed = rows.map((row) => ({
    contactId: row.contactId,
    email: row.email,
    name: row.name,
    lastTicketAt: row.lastTicketAt!,
    unsubscribed: row.unsubscribedAt !== null,
    roleAddress: isRoleAddress(row.email),
  }));
  return input.includeRoleAddresses ? listed : listed.filter((contact) => !contact.roleAddress);
}

function matching(search: string | undefined): SQL | undefined {
  const text = search?.trim();
  if (!text) return undefined;
  // Typed text, not a pattern: % and _ match themselves.
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return or(ilike(contacts.email, pattern), ilike(contacts.name, pattern));
}
