import { convert as htmlToText } from "html-to-text";

/**
 * A member's signature as it goes under their replies. The text part takes the text signature, or
 * the HTML one's text when only that was written; the HTML part (sent only when there is an HTML
 * signature) takes the HTML one, which was sanitized when it was saved.
 */
export interface Signature {
  html: string | null;
  text: string | null;
}

/** The signature separator of RFC 3676, 4.3: dash, dash, space, on a line of its own. */
const SEPARATOR = "-- ";

/** The signature's text: the one written, else the text of the HTML one; null when there is none. */
export function signatureText(signature: Signature): string | null {
  const written = signature.text?.trim();
  if (written) return written;
  if (!signature.html?.trim()) return null;
  const derived = htmlToText(signature.html, {
    wordwrap: false,
    selectors: [
      { selector: "a", options: { hideLinkHrefIfSameAsText: true } },
      { selector: "img", format: "skip" },
    ],
  }).trim();
  return derived || null;
}

/**
 * A reply's body with its signature below the reply's text: the text part, and an HTML part when
 * the signature has HTML (the reply's text escaped, its lines kept). Without a signature, the text
 * as it is and no HTML part, as before signatures existed.
 */
export function signedReply(text: string, signature: Signature): { text: string; html: string | null } {
  const signatureLines = signatureText(signature);
  const body = text.replace(/\s+$/, "");
  const signedText = signatureLines ? `${body}\n\n${SEPARATOR}\n${signatureLines}\n` : text;
  const html = signature.html?.trim()
    ? `<div style="white-space: pre-wrap">${escapeHtml(body)}</div>\n<br>\n<div>${SEPARATOR}<br>\n${signature.html.trim()}</div>\n`
    : null;
  return { text: signedText, html };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
