import { describe, expect, it } from "vitest";
import { renderArticleMarkdown } from "../../../lib/knowledge/markdown";

const image = "/api/kb/images/123e4567-e89b-12d3-a456-426614174000";

describe("an article's Markdown made safe", () => {
  it("writes HTML in the Markdown as text, so no tag of it reaches the page", () => {
    const html = renderArticleMarkdown('<script>alert(1)</script>\n\n<img src=x onerror="alert(1)">\n\n<a href="javascript:alert(1)">x</a>');
    expect(html).not.toMatch(/<script|<img|<a /i);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("drops links that would run script or read files, in any letter case", () => {
    for (const target of ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "vbscript:msgbox(1)", "data:text/html;base64,PHNjcmlwdD4=", "file:///etc/passwd"]) {
      expect(renderArticleMarkdown(`[click](${target})`), target).not.toContain("href");
    }
  });

  it("opens links to other sites in a new tab without referrer or opener, and keeps our own paths as they are", () => {
    expect(renderArticleMarkdown("[a](https://example.test/x) [b](/pl/help/acme/zwroty)")).toBe(
      '<p><a href="https://example.test/x" target="_blank" rel="noopener noreferrer nofollow">a</a> <a href="/pl/help/acme/zwroty">b</a></p>\n',
    );
  });

  it("shows only images uploaded to the knowledge base: not remote ones, not data: or paths that climb out", () => {
    const html = renderArticleMarkdown(
      `![own](${image}) ![remote](https://tracker.test/pixel.png) ![svg](data:image/svg+xml;base64,PHN2Zz4=) ![climb](/api/kb/images/../../secret)`,
    );
    expect(html.match(/<img [^>]*>/g)).toEqual([`<img src="${image}" alt="own" />`]);
  });

  it("keeps what Markdown writes: headings, lists, code, tables with their alignment", () => {
    const html = renderArticleMarkdown("## Krok 1\n\n- jeden\n- dwa\n\n`kod <b>`\n\n| a | b |\n|:-:|--:|\n| 1 | 2 |\n");
    expect(html).toContain("<h2>Krok 1</h2>");
    expect(html).toContain("<li>jeden</li>");
    expect(html).toContain("<code>kod &lt;b&gt;</code>");
    expect(html).toContain('<td style="text-align:center">1</td>');
  });
});
