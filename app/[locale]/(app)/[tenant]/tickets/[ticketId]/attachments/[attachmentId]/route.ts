import { setPageLocale } from "@/app/_i18n/page-locale";
import { tenantRequest } from "@/lib/auth/request";
import { scopeOf } from "@/lib/auth/context";
import { getTicketAttachment } from "@/lib/tickets/tickets";
import { attachmentResponse } from "../../../../attachment-response";
import { readOrNotFound } from "../../../../read-or-not-found";

interface Context {
  params: Promise<{ locale: string; tenant: string; ticketId: string; attachmentId: string }>;
}

/** An attachment of a ticket, for a member of the ticket's tenant, always as a download. */
export async function GET(_request: Request, { params }: Context) {
  const { locale, tenant, ticketId, attachmentId } = await params;
  setPageLocale(locale);
  const { ctx, run } = await tenantRequest(tenant);
  const attachment = await readOrNotFound(run, [ticketId, attachmentId], (tx) =>
    getTicketAttachment(tx, scopeOf(ctx), { ticketId, attachmentId }),
  );
  return attachmentResponse({
    filename: attachment.filename || `attachment-${attachment.id.slice(0, 8)}`,
    contentType: attachment.contentType,
    content: attachment.content,
  });
}
