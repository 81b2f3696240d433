import { describe, expect, it } from "vitest";
import { articleSnippet, articleText } from "../../../lib/knowledge/article-text";
import { renderArticleMarkdown } from "../../../lib/knowledge/markdown";

describe("an article's text for search results", () => {
  it("is the rendered body without tags, its entities read back, its spaces collapsed", () => {
    const html = renderArticleMarkdown("## Zwrot & wymiana\n\n- Kod: `a < b`\n- \"Cytat\"\n\n<script>x</script>");
    expect(articleText(html)).toBe('Zwrot & wymiana Kod: a < b "Cytat" <script>x</script>');
  });

  it("keeps a link's or bold text joined to the punctuation after it, and blocks apart", () => {
    expect(articleText(renderArticleMarkdown("Więcej: [regulamin](https://example.com).\n\n**Uwaga**!"))).toBe("Więcej: regulamin. Uwaga!");
  });

  it("marks a word typed without diacritics where the article has them, at the same place in the original", () => {
    const snippet = articleSnippet("<p>Po <strong>złożeniu</strong> zamówienia płacisz.</p>", ["zlozeniu", "ZAMOW"]);
    expect(snippet.text).toBe("Po złożeniu zamówienia płacisz.");
    expect(snippet.marks.map(([start, end]) => snippet.text.slice(start, end))).toEqual(["złożeniu", "zamów"]);
  });

  it("marks only beginnings of words, and starts near the first word found in a long text, at a word", () => {
    const long = `<p>${"Wstęp bez znaczenia. ".repeat(20)}Tu jest faktura korygująca i nakaz.</p>`;
    const snippet = articleSnippet(long, ["faktura", "kaz"]);
    expect(snippet.text.startsWith("… ")).toBe(true);
    expect(snippet.text).toContain("Tu jest faktura korygująca");
    expect(snippet.marks.map(([start, end]) => snippet.text.slice(start, end))).toEqual(["faktura"]);
    expect(snippet.text.length).toBeLessThanOrEqual(210);
  });

  it("is the start of the article when no word is in it", () => {
    expect(articleSnippet("<p>Kurier przyjeżdża w dwa dni.</p>", ["hurt"])).toEqual({ text: "Kurier przyjeżdża w dwa dni.", marks: [] });
  });
});
