import { sanitizeForReader } from "./sanitize";

/**
 * A mail's sanitized HTML as the whole document of a sandboxed `<iframe srcdoc>`: the reader's
 * second sanitizing pass with the images decided, quoted earlier messages folded, and a policy of
 * its own that is the guarantee behind "images blocked": without `remoteImages` its `img-src` has
 * no remote source, so even an image the rewriting missed is never fetched.
 *
 * A srcdoc document also inherits the policy of the page around it (seen in Chromium): it runs
 * under both, so the page's policy must allow inline style attributes and remote images where mail
 * is read (lib/security/content-policy.ts), and this one narrows it to what this one mail may load.
 * No scripts, forms, frames, fonts or connections: `default-src 'none'`.
 */
export function readerDocument(
  html: string,
  options: {
    /** A `data:` URL for the inline part with this Content-ID, or null. */
    inlineImage: (contentId: string) => string | null;
    remoteImages: boolean;
    /** The words on the fold of quoted text ("Show quoted text"). */
    quotedLabel: string;
  },
): { document: string; blockedImages: number } {
  const { html: shown, blockedImages } = sanitizeForReader(html, options);
  const policy = [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    `img-src data:${options.remoteImages ? " https: http:" : ""}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  const document =
    `<!doctype html><html><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="${policy}">` +
    `<meta name="referrer" content="no-referrer">` +
    `</head><body style="${BODY_STYLE}">${withQuotesFolded(shown, escapeText(options.quotedLabel))}</body></html>`;
  return { document, blockedImages };
}

const BODY_STYLE =
  "margin:0;padding:2px;font:14px/1.5 ui-sans-serif,system-ui,sans-serif;color:#27272a;overflow-wrap:anywhere";
const SUMMARY_STYLE = "cursor:pointer;color:#52525b;font-size:12px;margin:8px 0;user-select:none";
const VOID = new Set(["area", "br", "col", "hr", "img", "wbr"]);

function escapeText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * Each outermost quoted part behind a `<details>` fold (no script runs in the frame: the browser
 * opens it). A `<blockquote>` or Gmail's quote is folded whole; Outlook's reply header starts a
 * fold that runs to the end of the element around it, since Outlook puts the quoted mail after it
 * as siblings. Works on sanitized HTML only, where every `<` and `>` outside a tag is escaped, so
 * a tag is exactly what the pattern below matches.
 */
export function withQuotesFolded(html: string, label: string): string {
  const open = `<details><summary style="${SUMMARY_STYLE}">${label}</summary>`;
  const stack: string[] = [];
  // The depth of the stack at which the open fold ends: at the close of that element.
  let foldEndsAt: number | null = null;
  let foldEndsBeforeClose = false;
  let out = "";
  let last = 0;
  for (const match of html.matchAll(/<(\/?)([a-z][a-z0-9]*)\b[^>]*>/gi)) {
    const [tag, closing, rawName] = match;
    const name = rawName!.toLowerCase();
    out += html.slice(last, match.index);
    last = match.index + tag.length;
    if (closing) {
      const depth = stack.lastIndexOf(name);
      if (depth === -1) {
        out += tag;
        continue;
      }
      stack.length = depth;
      if (foldEndsAt !== null && depth === foldEndsAt && foldEndsBeforeClose) {
        out += `</details>${tag}`;
        foldEndsAt = null;
      } else if (foldEndsAt !== null && depth === foldEndsAt) {
        out += `${tag}</details>`;
        foldEndsAt = null;
      } else out += tag;
      continue;
    }
    const quote = name === "blockquote" || /\sdata-quote="gmail"/.test(tag) ? "whole" : /\sdata-quote="outlook"/.test(tag) ? "rest" : null;
    if (quote && foldEndsAt === null) {
      out += open;
      foldEndsAt = quote === "whole" ? stack.length : stack.length - 1;
      foldEndsBeforeClose = quote === "rest";
    }
    out += tag;
    if (!VOID.has(name) && !tag.endsWith("/>")) stack.push(name);
  }
  out += html.slice(last);
  // A fold still open runs to the end (Outlook's header at the top level).
  return foldEndsAt !== null ? `${out}</details>` : out;
}
