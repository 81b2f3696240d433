import { notFound } from "next/navigation";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { tenantRequest } from "@/lib/auth/request";
import { scopeOf } from "@/lib/auth/context";
import { canReadReceivedMail } from "@/lib/auth/roles";
import { getReceivedMail } from "@/lib/tickets/message-origin";
import { attachmentResponse } from "../../../../../attachment-response";
import { readOrNotFound } from "../../../../../read-or-not-found";

interface Context {
  params: Promise<{ locale: string; tenant: string; ticketId: string; messageId: string }>;
}

/**
 * A customer's message as received, byte for byte, as an `.eml` download for administrators. For
 * anyone else it does not exist (404, as for a message of another tenant or a purged mail).
 */
export async function GET(_request: Request, { params }: Context) {
  const { locale, tenant, ticketId, messageId } = await params;
  setPageLocale(locale);
  const { ctx, run } = await tenantRequest(tenant);
  if (!canReadReceivedMail(ctx.role)) notFound();
  const mail = await readOrNotFound(run, [ticketId, messageId], (tx) =>
    getReceivedMail(tx, scopeOf(ctx), { ticketId, messageId }),
  );
  return attachmentResponse({
    filename: `message-${messageId.slice(0, 8)}.eml`,
    contentType: "message/rfc822",
    content: mail.raw,
  });
}
