import { notFound } from "next/navigation";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { tenantRequest } from "@/lib/auth/request";
import { scopeOf } from "@/lib/auth/context";
import { getWaitingAttachment } from "@/lib/inbound/waiting-list";
import { attachmentResponse } from "../../../../attachment-response";
import { readOrNotFound } from "../../../../read-or-not-found";

interface Context {
  params: Promise<{ locale: string; tenant: string; entryId: string; index: string }>;
}

/** An attachment of a held mail, by its position in the mail, always as a download. */
export async function GET(_request: Request, { params }: Context) {
  const { locale, tenant, entryId, index } = await params;
  setPageLocale(locale);
  if (!/^\d{1,4}$/.test(index)) notFound();
  const { ctx, run } = await tenantRequest(tenant);
  const attachment = await readOrNotFound(run, [entryId], (tx) =>
    getWaitingAttachment(tx, scopeOf(ctx), { id: entryId, index: Number(index) }),
  );
  return attachmentResponse({
    filename: attachment.filename || `attachment-${Number(index) + 1}`,
    contentType: attachment.contentType,
    content: attachment.content,
  });
}
