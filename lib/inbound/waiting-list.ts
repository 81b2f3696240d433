import { and, count, desc, eq, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { divisions, inboundEmails } from "@/db/schema";
import { readHeaderBlock } from "@/lib/mail/header-block";
import { parseEmail } from "@/lib/mail/parse";
import type { Address } from "@/lib/mail/types";
import type { TenantScope } from "@/db/tenant";

/** One screen of the waiting list: the newest this many. */
export const WAITING_LIST_PAGE_SIZE = 50;

/**
 * How much of each stored mail is read for its From and Subject. Headers come first (RFC 5322 §2.1)
 * and are rarely more than a few kilobytes, so a page never loads the bodies and attachments.
 */
const HEADER_BYTES = 64 * 1024;

export interface WaitingEmail {
  id: string;
  divisionId: string;
  divisionName: string;
  receivedAt: Date;
  /** A WaitingReason code (automationMode, unknownSender, …). */
  reason: string | null;
  from: Address | null;
  /** Decoded; "" when the mail has none. */
  subject: string;
}

/** The inbound emails on the waiting list, newest first, of one division or all the tenant's. */
export async function listWaitingEmails(
  tx: Executor,
  scope: TenantScope,
  options: { divisionId?: string; limit?: number } = {},
): Promise<{ emails: WaitingEmail[]; total: number }> {
  const where = and(
    eq(inboundEmails.tenantId, scope.tenantId),
    eq(inboundEmails.outcome, "waiting_list"),
    options.divisionId ? eq(inboundEmails.divisionId, options.divisionId) : undefined,
  );
  const rows = await tx
    .select({
      id: inboundEmails.id,
      divisionId: inboundEmails.divisionId,
      divisionName: divisions.name,
      receivedAt: inboundEmails.receivedAt,
      reason: inboundEmails.reason,
      head: sql<Buffer>`substring(${inboundEmails.raw} from 1 for ${HEADER_BYTES})`.mapWith(inboundEmails.raw),
    })
    .from(inboundEmails)
    .innerJoin(divisions, and(eq(divisions.tenantId, inboundEmails.tenantId), eq(divisions.id, inboundEmails.divisionId)))
    .where(where)
    .orderBy(desc(inboundEmails.receivedAt), desc(inboundEmails.id))
    .limit(options.limit ?? WAITING_LIST_PAGE_SIZE);
  const [total] = await tx.select({ n: count() }).from(inboundEmails).where(where);

  const emails = await Promise.all(
    rows.map(async ({ head, ...row }) => {
      // The header block alone parses in no time, decoded exactly as the pipeline decodes it.
      const { bodyStart } = readHeaderBlock(head.toString("latin1"));
      const { from, subject } = await parseEmail(head.subarray(0, bodyStart));
      return { ...row, from, subject };
    }),
  );
  return { emails, total: total?.n ?? 0 };
}
