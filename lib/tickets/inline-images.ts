import { and, eq, inArray, isNotNull, lte } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { attachments } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";

// Raster images only: an SVG is a document that can carry script.
const SHOWN_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"];
// Inline images travel inside the page (see below): a larger one stays a download.
const MAX_INLINE_BYTES = 2 * 1024 * 1024;

/**
 * The inline images (`cid:`) of these messages as `data:` URLs, by message and Content-ID. The mail
 * is shown in a sandboxed frame of no origin, whose requests carry no session cookie (SameSite=Lax,
 * seen in Chromium), so it cannot load them from the attachment route: they come with the page.
 */
export async function inlineImagesOf(
  tx: Executor,
  scope: TenantScope,
  messageIds: string[],
): Promise<Map<string, Map<string, string>>> {
  const byMessage = new Map<string, Map<string, string>>();
  if (messageIds.length === 0) return byMessage;
  const rows = await tx
    .select({
      messageId: attachments.messageId,
      contentId: attachments.contentId,
      contentType: attachments.contentType,
      content: attachments.content,
    })
    .from(attachments)
    .where(
      and(
        eq(attachments.tenantId, scope.tenantId),
        inArray(attachments.messageId, messageIds),
        isNotNull(attachments.contentId),
        inArray(attachments.contentType, SHOWN_TYPES),
        lte(attachments.size, MAX_INLINE_BYTES),
      ),
    );
  for (const row of rows) {
    const images = byMessage.get(row.messageId) ?? new Map<string, string>();
    images.set(row.contentId!, `data:${row.contentType};base64,${row.content.toString("base64")}`);
    byMessage.set(row.messageId, images);
  }
  return byMessage;
}

/** The same for a mail not yet stored as a message (a waiting-list entry's parsed attachments). */
export function inlineImagesOfParts(
  parts: { contentId: string | null; contentType: string; content: Buffer }[],
): Map<string, string> {
  const images = new Map<string, string>();
  for (const part of parts) {
    if (part.contentId && SHOWN_TYPES.includes(part.contentType) && part.content.length <= MAX_INLINE_BYTES) {
      images.set(part.contentId, `data:${part.contentType};base64,${part.content.toString("base64")}`);
    }
  }
  return images;
}
