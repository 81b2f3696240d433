import { and, asc, count, eq, ilike, or, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "@/db/client";
import { contacts } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";
import { activityOf, type ContactActivity } from "./history";

/** One screen of the contacts list. */
export const CONTACTS_PAGE_SIZE = 50;

/**
 * The list's order: by name, or by address for a contact whose name we never learnt, as a person
 * scans a list of customers; the id breaks ties, so that every contact has one place in it.
 */
const sortKey = sql<string>`lower(coalesce(${contacts.name}, ${contacts.email}))`;

/**
 * Where the next page starts, as a token for the URL: the sort key and id of the last contact shown.
 * Keyset paging (rather than OFFSET) reads no skipped rows, and a contact added meanwhile neither
 * repeats nor hides one.
 */
const cursorSchema = z.tuple([z.string(), z.uuid()]);

function encodeCursor(key: string, id: string): string {
  return Buffer.from(JSON.stringify([key, id])).toString("base64url");
}

/** A token from `encodeCursor`; anything else (a hand-edited URL) reads as the first page. */
function decodeCursor(token: string | undefined): { key: string; id: string } | null {
  if (!token) return null;
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(token, "base64url").toString("utf8")));
    return parsed.success ? { key: parsed.data[0], id: parsed.data[1] } : null;
  } catch {
    return null;
  }
}

/** Escapes LIKE's wildcards: a search for "a_b" finds that text, not "axb". */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** Contacts whose address, name or organization contains the query, in any case. */
function searchCondition(query: string | undefined): SQL | undefined {
  const text = query?.trim() ?? "";
  if (text === "") return undefined;
  const pattern = likePattern(text);
  return or(ilike(contacts.email, pattern), ilike(contacts.name, pattern), ilike(contacts.organization, pattern));
}

export interface ContactListItem extends ContactActivity {
  id: string;
  email: string;
  name: string | null;
  organization: string | null;
}

/**
 * A page of the tenant's contacts, by name, each with how many tickets they have (open and in all)
 * and when one last changed; `nextCursor` fetches the page after, null on the last one. `total`
 * counts every contact the search matches.
 */
export async function listContacts(
  tx: Executor,
  scope: TenantScope,
  input: { query?: string; cursor?: string; limit?: number } = {},
): Promise<{ contacts: ContactListItem[]; nextCursor: string | null; total: number }> {
  const limit = input.limit ?? CONTACTS_PAGE_SIZE;
  const search = searchCondition(input.query);
  const after = decodeCursor(input.cursor);
  const rows = await tx
    .select({
      id: contacts.id,
      email: contacts.email,
      name: contacts.name,
      organization: contacts.organization,
      sortKey,
    })
    .from(contacts)
    .where(
      and(
        eq(contacts.tenantId, scope.tenantId),
        search,
        after ? sql`(${sortKey}, ${contacts.id}) > (${after.key}, ${after.id}::uuid)` : undefined,
      ),
    )
    .orderBy(asc(sortKey), asc(contacts.id))
    // One more than a page tells whether there is a next one.
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const [counted] = await tx
    .select({ total: count() })
    .from(contacts)
    .where(and(eq(contacts.tenantId, scope.tenantId), search));
  const activity = await activityOf(tx, scope, page.map((row) => row.id));
  return {
    contacts: page.map(({ sortKey: _, ...contact }) => ({ ...contact, ...activity.get(contact.id)! })),
    nextCursor: rows.length > limit && last ? encodeCursor(last.sortKey, last.id) : null,
    total: counted?.total ?? 0,
  };
}
