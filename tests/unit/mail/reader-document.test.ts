import { describe, expect, it } from "vitest";
import { linkify } from "@/lib/mail/linkify";
import { readerDocument, withQuotesFolded } from "@/lib/mail/reader-document";
import { sanitizeEmailHtml } from "@/lib/mail/sanitize";

const PNG = "data:image/png;base64,iVBORw0KGgo=";
const noInline = () => null;

/** What the reader shows of a mail's raw HTML: sanitized at ingest, then made into the frame's document. */
function shown(raw: string, options: { remoteImages?: boolean; inline?: Record<string, string> } = {}) {
  return readerDocument(sanitizeEmailHtml(raw), {
    inlineImage: (contentId) => options.inline?.[contentId] ?? null,
    remoteImages: options.remoteImages ?? false,
    quotedLabel: "Show quoted text",
  });
}

function policyOf(document: string): string {
  return /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(document)?.[1] ?? "";
}

describe("readerDocument: remote images", () => {
  it("keeps remote images without a source, counts them, and its policy loads none", () => {
    const { document, blockedImages } = shown(
      `<p>Hi</p><img src="https://tracker.example/p.gif" alt="logo"><img src="//cdn.example/a.png"><img src="http://plain.example/b.png">`,
    );
    expect(blockedImages).toBe(3);
    expect(document).not.toMatch(/tracker\.example|cdn\.example|plain\.example/);
    expect(document).toContain(`alt="logo"`);
    expect(policyOf(document)).toContain("img-src data:;");
    expect(policyOf(document)).not.toMatch(/https:|http:/);
  });

  it("gives remote images their source back once images are shown, and its policy allows them", () => {
    const { document, blockedImages } = shown(`<img src="https://tracker.example/p.gif"><img src="//cdn.example/a.png">`, {
      remoteImages: true,
    });
    expect(blockedImages).toBe(0);
    expect(document).toContain(`src="https://tracker.example/p.gif"`);
    expect(document).toContain(`src="https://cdn.example/a.png"`);
    expect(policyOf(document)).toContain("img-src data: https: http:");
  });

  it("never trusts the stored HTML: a remote url in a style or a script in the row stays inert", () => {
    const stored = `<div style="background:url(https://tracker.example/x)">a</div><script>alert(1)</script><img src="x" onerror="alert(1)">`;
    const { document } = readerDocument(stored, { inlineImage: noInline, remoteImages: true, quotedLabel: "q" });
    expect(document).not.toMatch(/tracker\.example|<script|onerror|alert/);
  });

  it("has a policy with no scripts, forms, frames or base", () => {
    const policy = policyOf(shown("<p>x</p>").document);
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("base-uri 'none'");
    expect(policy).toContain("form-action 'none'");
    expect(policy).not.toMatch(/script-src|unsafe-eval/);
  });
});

describe("readerDocument: inline images", () => {
  it("shows a cid: image as the data: URL of the part with that Content-ID", () => {
    const { document } = shown(`<img src="cid:logo@acme.test" alt="Logo">`, { inline: { "logo@acme.test": PNG } });
    expect(document).toContain(`src="${PNG}"`);
    expect(document).not.toContain("cid:");
  });

  it("drops a cid: image whose part is missing, and never takes an SVG for one", () => {
    expect(shown(`<img src="cid:missing@x">`).document).not.toContain("<img");
    const svg = "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=";
    expect(shown(`<img src="cid:a@x">`, { inline: { "a@x": svg } }).document).not.toContain("<img");
  });
});

describe("withQuotesFolded", () => {
  it("folds an outermost blockquote, and only once when quotes nest", () => {
    const html = `<p>New</p><blockquote><p>Old</p><blockquote>Older</blockquote></blockquote><p>After</p>`;
    const folded = withQuotesFolded(html, "Q");
    expect(folded.match(/<details>/g)).toHaveLength(1);
    expect(folded).toMatch(/^<p>New<\/p><details><summary[^>]*>Q<\/summary><blockquote>.*Older<\/blockquote><\/blockquote><\/details><p>After<\/p>$/);
  });

  it("folds Gmail's quote, kept through the sanitizer as a mark", () => {
    const html = sanitizeEmailHtml(`<div dir="ltr">Thanks!</div><div class="gmail_quote"><div>On Mon, Anna wrote:</div>old</div>`);
    const folded = withQuotesFolded(html, "Q");
    expect(folded).toMatch(/Thanks!<\/div><details><summary[^>]*>Q<\/summary><div data-quote="gmail">.*old<\/div><\/details>$/);
  });

  it("folds from Outlook's reply header to the end of the element around it", () => {
    const html = sanitizeEmailHtml(
      `<div><p>Reply</p><hr><div id="divRplyFwdMsg"><b>From:</b> Anna</div><div>Quoted body</div></div><p>Footer outside</p>`,
    );
    const folded = withQuotesFolded(html, "Q");
    expect(folded).toMatch(/<p>Reply<\/p><hr \/><details><summary[^>]*>Q<\/summary><div data-quote="outlook">.*Quoted body<\/div><\/details><\/div><p>Footer outside<\/p>$/);
  });

  it("leaves a mail without quotes as it is, and never reads escaped text as a tag", () => {
    const html = sanitizeEmailHtml(`<p>Type &lt;blockquote&gt; to quote</p>`);
    expect(withQuotesFolded(html, "Q")).toBe(html);
  });
});

describe("linkify", () => {
  it("makes http, https and mailto addresses and www. names links, without the sentence's punctuation", () => {
    expect(linkify("See https://acme.test/a?b=1. Or (http://x.test/p), mail mailto:help@acme.test, www.acme.test!")).toEqual([
      { text: "See " },
      { text: "https://acme.test/a?b=1", href: "https://acme.test/a?b=1" },
      { text: ". Or (" },
      { text: "http://x.test/p", href: "http://x.test/p" },
      { text: "), mail " },
      { text: "mailto:help@acme.test", href: "mailto:help@acme.test" },
      { text: ", " },
      { text: "www.acme.test", href: "https://www.acme.test" },
      { text: "!" },
    ]);
  });

  it("keeps a bracket that belongs to the address", () => {
    expect(linkify("https://en.wikipedia.test/wiki/Mail_(post)")).toEqual([
      { text: "https://en.wikipedia.test/wiki/Mail_(post)", href: "https://en.wikipedia.test/wiki/Mail_(post)" },
    ]);
  });

  it("never makes a javascript: or data: link", () => {
    expect(linkify("javascript:alert(1) data:text/html,<b>x</b>")).toEqual([{ text: "javascript:alert(1) data:text/html,<b>x</b>" }]);
  });
});
