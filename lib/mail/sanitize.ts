import sanitizeHtml from "sanitize-html";

/**
 * Makes the HTML of an inbound mail safe to show inside the app: an explicit allowlist of tags,
 * attributes and inline style properties; everything else is dropped.
 *
 * Decisions a reader cannot see in the allowlist:
 * - `<style>` elements are dropped with their content: a stylesheet applies to the whole page it
 *   is rendered in, so a mail could restyle the app (or hide parts of it), and we sanitize CSS one
 *   declaration at a time only.
 * - No `class` or `id`: the app's own CSS classes (and DOM ids) must not be reachable from a mail.
 * - Remote images are blocked: `<img src="https://…">` becomes `<img data-remote-src="https://…">`,
 *   so no tracking pixel loads until the user asks to show images. `cid:` sources stay (the UI maps
 *   them to the mail's inline attachments), and `data:` sources stay only for base64 raster images
 *   (png, jpeg, gif, webp, bmp): never `image/svg+xml`, which is a document that can carry script.
 *   An image left with no usable source is removed.
 * - Quoted earlier messages keep a mark the reader can fold them by, since `class` and `id` go:
 *   Gmail's `<div class="gmail_quote">` and Outlook's reply header `<div id="divRplyFwdMsg">`
 *   become `data-quote="gmail"` / `data-quote="outlook"` (a sender writing one only folds their
 *   own text). `<blockquote>` needs no mark.
 * - Links keep only absolute `http(s):`, `mailto:` and `tel:` targets (a relative link would point
 *   into the app itself) and always open in a new tab without referrer or opener.
 */
export function sanitizeEmailHtml(html: string): string {
  return sanitizeHtml(html, OPTIONS);
}

/**
 * Sanitized mail HTML, sanitized once more as it is shown, with its images decided: `cid:` sources
 * become what `inlineImage` gives for that Content-ID (a `data:` URL) or go, and remote ones (kept
 * as `data-remote-src`) get their `src` back only when `remoteImages` is true. A second pass over
 * stored HTML costs little and means the reader never trusts the row: whatever the stored HTML is,
 * what it shows went through the same allowlist.
 */
export function sanitizeForReader(
  html: string,
  images: { inlineImage: (contentId: string) => string | null; remoteImages: boolean },
): { html: string; blockedImages: number } {
  let blockedImages = 0;
  const showImage = (_tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag => {
    const { src, "data-remote-src": stored, "data-blocked": _blocked, ...rest } = attribs;
    const url = compactUrl(src);
    const remote = [url, compactUrl(stored)].find((candidate) => REMOTE_IMAGE.test(candidate));
    if (remote !== undefined) {
      if (images.remoteImages) return { tagName: "img", attribs: { ...rest, src: remote.startsWith("//") ? `https:${remote}` : remote } };
      blockedImages += 1;
      // Kept without a source, so that its alt text and box show where the image will be.
      return { tagName: "img", attribs: { ...rest, "data-blocked": "" } };
    }
    if (INLINE_IMAGE.test(url)) {
      const inline = images.inlineImage(url.slice(4).replace(/^<|>$/g, ""));
      return { tagName: "img", attribs: inline && DATA_IMAGE.test(inline) ? { ...rest, src: inline } : rest };
    }
    return { tagName: "img", attribs: DATA_IMAGE.test(url) ? { ...rest, src: url } : rest };
  };
  const shown = sanitizeHtml(html, {
    ...OPTIONS,
    allowedAttributes: { ...OPTIONS.allowedAttributes, img: ["src", "alt", "border", "data-blocked"] },
    allowedSchemesByTag: { img: images.remoteImages ? ["data", "http", "https"] : ["data"] },
    transformTags: { ...OPTIONS.transformTags, img: showImage },
    exclusiveFilter: (frame) => frame.tag === "img" && !frame.attribs.src && frame.attribs["data-blocked"] === undefined,
  });
  return { html: shown, blockedImages };
}

/**
 * A member's signature, which goes out under their replies: the same allowlist as mail shown in the
 * app, except that an image on the web (a logo) keeps its https address, since it is the
 * recipient's mail program that decides whether to load it, as for any mail they get.
 */
export function sanitizeSignatureHtml(html: string): string {
  return sanitizeHtml(html, {
    ...OPTIONS,
    allowedSchemesByTag: { img: ["https", "data"] },
    transformTags: { ...OPTIONS.transformTags, img: signatureImage },
  }).trim();
}

function signatureImage(_tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag {
  const { src, ...rest } = attribs;
  delete rest["data-remote-src"];
  const url = compactUrl(src);
  return { tagName: "img", attribs: /^https:\/\//i.test(url) || DATA_IMAGE.test(url) ? { ...rest, src: url } : rest };
}

const LINK_SCHEMES = /^(?:https?:|mailto:|tel:)/i;
const REMOTE_IMAGE = /^(?:https?:)?\/\//i;
const INLINE_IMAGE = /^cid:/i;
const DATA_IMAGE = /^data:image\/(?:png|jpe?g|gif|webp|bmp);base64,[a-z0-9+/=\s]*$/i;

/** Browsers ignore control characters and spaces inside a URL's scheme: compare without them. */
function compactUrl(value: string | undefined): string {
  return (value ?? "").replace(/[\x00-\x20]+/g, "");
}

function transformImage(_tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag {
  // Rebuilt from scratch, so a `data-remote-src` written by the sender never survives.
  const { src, ...rest } = attribs;
  delete rest["data-remote-src"];
  const url = compactUrl(src);
  if (REMOTE_IMAGE.test(url)) {
    const remote = url.startsWith("//") ? `https:${url}` : url;
    return { tagName: "img", attribs: { ...rest, "data-remote-src": remote } };
  }
  if (INLINE_IMAGE.test(url) || DATA_IMAGE.test(url)) {
    return { tagName: "img", attribs: { ...rest, src: url } };
  }
  return { tagName: "img", attribs: rest };
}

function transformDiv(_tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag {
  const { class: classes, id, ...rest } = attribs;
  if (/(?:^|\s)gmail_quote(?:\s|$)/.test(classes ?? "")) rest["data-quote"] = "gmail";
  else if (id === "divRplyFwdMsg") rest["data-quote"] = "outlook";
  return { tagName: "div", attribs: rest };
}

function transformLink(_tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag {
  const { href, ...rest } = attribs;
  const url = compactUrl(href);
  const link: sanitizeHtml.Attributes = { ...rest, rel: "noopener noreferrer nofollow", target: "_blank" };
  if (href !== undefined && LINK_SCHEMES.test(url)) link.href = href.trim();
  return { tagName: "a", attribs: link };
}

// Inline style values: words, numbers, units, colours, quotes (font names), and no CSS function
// other than rgb()/rgba()/hsl()/hsla(): that rules out url(), expression(), image-set(), var() and
// friends. No backslash either, so no CSS escapes that would spell those functions another way.
const SAFE_VALUE = /^(?:[-\w\s#.,%/"']|(?:rgba?|hsla?)\([\d\s.,%/]*\))+$/i;
const KEYWORD = /^[a-z-]+(?:\s+[a-z-]+)*$/i;

const STYLE_PROPERTIES = [
  "color",
  "background",
  "background-color",
  "font",
  "font-family",
  "font-size",
  "font-style",
  "font-variant",
  "font-weight",
  "line-height",
  "letter-spacing",
  "word-spacing",
  "text-decoration",
  "text-indent",
  "text-transform",
  "vertical-align",
  "white-space",
  "word-break",
  "word-wrap",
  "overflow-wrap",
  "direction",
  "margin",
  "margin-top",
  "margin-right",
  "margin-bottom",
  "margin-left",
  "padding",
  "padding-top",
  "padding-right",
  "padding-bottom",
  "padding-left",
  "border",
  "border-top",
  "border-right",
  "border-bottom",
  "border-left",
  "border-color",
  "border-style",
  "border-width",
  "border-radius",
  "border-collapse",
  "border-spacing",
  "width",
  "min-width",
  "max-width",
  "height",
  "min-height",
  "max-height",
  "list-style-type",
  "table-layout",
];

const ALLOWED_STYLES: Record<string, RegExp[]> = {
  ...Object.fromEntries(STYLE_PROPERTIES.map((property) => [property, [SAFE_VALUE]])),
  // Keyword-only properties: a layout switch, never a way to position over the app.
  display: [/^(?:none|block|inline|inline-block|table|table-row|table-cell|list-item)$/i],
  "text-align": [KEYWORD],
};

const TEXT_TAGS = [
  "a", "abbr", "address", "article", "b", "bdi", "bdo", "big", "blockquote", "br", "caption",
  "center", "cite", "code", "col", "colgroup", "dd", "del", "dfn", "div", "dl", "dt", "em",
  "figcaption", "figure", "font", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i",
  "img", "ins", "kbd", "li", "main", "mark", "ol", "p", "pre", "q", "s", "samp", "section", "small",
  "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time",
  "tr", "tt", "u", "ul", "var", "wbr",
];

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: TEXT_TAGS,
  // Disallowed tags are removed and their text kept, except for these, whose content is not
  // text meant for the reader (or is a known vehicle for parser-differential tricks).
  nonTextTags: [
    "script", "style", "textarea", "option", "select", "noscript", "noembed", "noframes", "title",
    "template", "xml", "iframe", "object", "embed", "svg", "math", "head",
  ],
  disallowedTagsMode: "discard",
  allowedAttributes: {
    "*": ["style", "title", "dir", "lang", "align", "valign", "width", "height", "bgcolor"],
    a: ["href", "rel", "target"],
    img: ["src", "data-remote-src", "alt", "border"],
    div: ["data-quote"],
    font: ["color", "face", "size"],
    table: ["border", "cellpadding", "cellspacing", "summary"],
    td: ["colspan", "rowspan", "nowrap"],
    th: ["colspan", "rowspan", "nowrap", "scope"],
    col: ["span"],
    colgroup: ["span"],
    ol: ["start", "type", "reversed"],
    ul: ["type"],
    li: ["value"],
    time: ["datetime"],
  },
  allowedSchemes: ["http", "https", "mailto", "tel"],
  allowedSchemesByTag: { img: ["cid", "data"] },
  allowedSchemesAppliedToAttributes: ["href", "src", "cite"],
  allowProtocolRelative: false,
  allowedStyles: { "*": ALLOWED_STYLES },
  transformTags: { img: transformImage, a: transformLink, div: transformDiv },
  exclusiveFilter: (frame) => frame.tag === "img" && !frame.attribs.src && !frame.attribs["data-remote-src"],
};
