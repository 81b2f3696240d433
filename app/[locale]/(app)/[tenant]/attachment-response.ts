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
 * A mail's attachment as a download, never rendered. Mail attachments come from strangers: an HTML
 * or SVG file opened inline on our origin could run script with the staff member's session, so the
 * response is an attachment, nosniff, and a sandbox for a browser that opens it anyway.
 */
export function attachmentResponse(attachment: { filename: string; contentType: string; content: Buffer }): Response {
  const contentType = CONTENT_TYPE.test(attachment.contentType) ? attachment.contentType : "application/octet-stream";
  return new Response(new Uint8Array(attachment.content), {
    headers: {
      "Content-Type": contentType,
      "Content-Length": String(attachment.content.length),
      "Content-Disposition": contentDisposition(attachment.filename),
      "X-Content-Type-Options": "nosniff",
      // Outside the pages' policy (see proxy.ts and next.config.ts), so it forbids framing itself.
      "Content-Security-Policy": "sandbox; default-src 'none'; frame-ancestors 'none'",
      "Cache-Control": "private, no-store",
    },
  });
}
