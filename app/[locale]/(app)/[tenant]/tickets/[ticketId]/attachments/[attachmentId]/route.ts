import { setPageLocale } from "@/app/_i18n/page-locale";
import { tenantRequest } from "@/lib/auth/request";
import { scopeOf } from "@/lib/auth/context";
import { getTicketAttachment } from "@/lib/tickets/tickets";
import { readOrNotFound } from "../../../../read-or-not-found";

interface Context {
  params: Promise<{ locale: string; tenant: string; ticketId: string; attachmentId: string }>;
}

/** `type/subtype` and parameters, nothing that could break out of the header. */
const CONTENT_TYPE = /^[\w.+-]+\/[\w.+-]+(\s*;\s*[\w.+-]+=("[^"\r\n]*"|[\w.+-]+))*$/;

/**
 * `attachment` with an ASCII fallback name and the real one in RFC 6266 / RFC 5987 form
 * (`filename*=UTF-8''…`), which every current browser prefers.
 */
function contentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%;]/g, "_");
  // encodeURIComponent leaves ' ( ) * as they are; RFC 5987's attr-char does not allow them.
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/**
 * An attachment of a ticket, for a member of the ticket's tenant, always as a download. Mail
 * attachments come from strangers: an HTML or SVG file opened inline on our origin could run script
 * with the staff member's session, so the response is never rendered (attachment, nosniff, and a
 * sandbox for a browser that opens it anyway).
 */
export async function GET(_request: Request, { params }: Context) {
  const { locale, tenant, ticketId, attachmentId } = await params;
  setPageLocale(locale);
  const { ctx, run } = await tenantRequest(tenant);
  const attachment = await readOrNotFound(run, [ticketId, attachmentId], (tx) =>
    getTicketAttachment(tx, scopeOf(ctx), { ticketId, attachmentId }),
  );

  const contentType = CONTENT_TYPE.test(attachment.contentType) ? attachment.contentType : "application/octet-stream";
  return new Response(new Uint8Array(attachment.content), {
    headers: {
      "Content-Type": contentType,
      "Content-Length": String(attachment.content.length),
      "Content-Disposition": contentDisposition(attachment.filename || `attachment-${attachment.id.slice(0, 8)}`),
      "X-Content-Type-Options": "nosniff",
      // Outside the pages' policy (see proxy.ts and next.config.ts), so it forbids framing itself.
      "Content-Security-Policy": "sandbox; default-src 'none'; frame-ancestors 'none'",
      "Cache-Control": "private, no-store",
    },
  });
}
