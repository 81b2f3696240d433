import type { Database } from "../../db/client";
import { type ProcessResult, processInboundEmail } from "../../lib/inbound/process";
import { inboundKey, storeInboundEmail } from "../../lib/inbound/store";

/**
 * A mail arriving in a division as an import would bring it (no mailbox): stored, then through the
 * whole pipeline, as a poll would. What most scenarios need to give a help desk its tickets.
 */
export async function receiveMail(
  db: Database,
  where: { tenantId: string; divisionId: string },
  raw: Buffer,
): Promise<ProcessResult> {
  const { email } = await storeInboundEmail(db, { ...where, mailboxId: null, uniqueKey: inboundKey.import(raw), raw });
  return processInboundEmail(db, { tenantId: where.tenantId, inboundEmailId: email.id });
}
