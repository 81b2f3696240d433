import { and, eq, inArray, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { contacts, divisions, messages, tickets } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";

/**
 * A ticket is highlighted while its customer is on its division's current highlight list, not only
 * the list of the day it was opened: this sets the stored flag (what the queue sorts and filters by)
 * from the list as it is now, for a division's tickets or a few of them (a ticket that moved).
 *
 * The match is lib/inbound/decide.ts's `listedSender`, in SQL so that a changed list reaches a
 * million tickets in one statement: an entry with an `@` names one address, any other entry a domain
 * and its subdomains, all compared lower-cased. The customer is the ticket's contact, or for a
 * ticket without one the sender of its first customer message.
 */
export async function refreshHighlights(
  tx: Executor,
  scope: TenantScope,
  input: { divisionId: string; ticketIds?: string[] },
): Promise<number> {
  const sender = sql`lower(coalesce(
    (select ${contacts.email} from ${contacts} where ${contacts.tenantId} = ${scope.tenantId} and ${contacts.id} = ${tickets.contactId}),
    (select ${messages.fromAddress} from ${messages}
      where ${messages.tenantId} = ${scope.tenantId} and ${messages.ticketId} = ${tickets.id} and ${messages.direction} = 'inbound'
      order by ${messages.createdAt} limit 1)
  ))`;
  const listed = sql`coalesce((
    select bool_or(case
      when strpos(entry, '@') > 0 then entry = address
      else domain = entry or right(domain, length(entry) + 1) = '.' || entry
    end)
    from (select ${sender} as address) as customer
    cross join lateral (select substring(customer.address from '[^@]*$') as domain) as parts
    cross join lateral unnest(
      (select ${divisions.highlightDomains} from ${divisions} where ${divisions.tenantId} = ${scope.tenantId} and ${divisions.id} = ${tickets.divisionId})
    ) as list(raw)
    cross join lateral (select lower(list.raw) as entry) as lowered
    where customer.address is not null
  ), false)`;
  const changed = await tx
    .update(tickets)
    .set({ highlighted: listed })
    .where(
      and(
        eq(tickets.tenantId, scope.tenantId),
        eq(tickets.divisionId, input.divisionId),
        input.ticketIds ? inArray(tickets.id, input.ticketIds) : undefined,
        sql`${tickets.highlighted} is distinct from ${listed}`,
      ),
    )
    .returning({ id: tickets.id });
  return changed.length;
}
