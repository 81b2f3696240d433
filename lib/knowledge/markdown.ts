import MarkdownIt from "markdown-it";
import sanitizeHtml from "sanitize-html";

/**
 * An article's Markdown as HTML that is safe on any page, the public help center's included.
 *
 * Two locks, so that neither alone has to be perfect:
 * - markdown-it with `html: false` writes any HTML in the Markdown as text (`<script>` shows as
 *   the characters it is), and its link check drops `javascript:`, `vbscript:`, `file:` and
 *   non-image `data:` targets.
 * - The result then goes through an allowlist: the tags Markdown makes, no attributes that run
 *   anything, links only to `http(s):`, `mailto:`, `tel:` or a path of our own, images only from
 *   the knowledge base's own uploads (`/api/kb/images/<id>`): a remote image would tell another
 *   site who reads which article, and the pages' policy would not load it anyway.
 * Links to other sites open in a new tab, without referrer or opener.
 */
const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });

const OWN_IMAGE = /^\/api\/kb\/images\/[0-9a-f-]{36}$/i;

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote", "pre", "code",
    "ul", "ol", "li", "strong", "em", "s", "a", "img",
    "table", "thead", "tbody", "tr", "th", "td",
  ],
  allowedAttributes: {
    a: ["href", "title", "target", "rel"],
    img: ["src", "alt", "title"],
    ol: ["start"],
    th: ["style"],
    td: ["style"],
  },
  // markdown-it aligns table cells with `style="text-align:…"`; nothing else of a style survives.
  allowedStyles: { "*": { "text-align": [/^(left|right|center)$/] } },
  allowedSchemes: ["http", "https", "mailto", "tel"],
  allowedSchemesByTag: { img: [] },
  allowProtocolRelative: false,
  transformTags: {
    a: (tagName, attribs) => {
      const href = attribs.href ?? "";
      const external = /^https?:/i.test(href);
      return { tagName, attribs: external ? { ...attribs, target: "_blank", rel: "noopener noreferrer nofollow" } : attribs };
    },
  },
  exclusiveFilter: (frame) => frame.tag === "img" && !OWN_IMAGE.test(frame.attribs.src ?? ""),
};

export function renderArticleMarkdown(source: string): string {
  return sanitizeHtml(markdown.render(source), OPTIONS);
}

/** The address an uploaded image is shown at, as the Markdown of an article writes it. */
export function knowledgeBaseImagePath(imageId: string): string {
  return `/api/kb/images/${imageId}`;
}
