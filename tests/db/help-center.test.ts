import { describe, expect, it } from "vitest";
import { operatorScope, withTenant } from "../../db/tenant";
import { appUrl, helpCenterPath } from "../../lib/app-url";
import { updateDivisionSettings } from "../../lib/divisions/divisions";
import { createArticle, setArticleState } from "../../lib/knowledge/articles";
import {
  findHelpCenter,
  helpCenterArticle,
  helpCenterHome,
  searchHelpCenter,
} from "../../lib/knowledge/help-center";
import { createCategory, createKnowledgeBase } from "../../lib/knowledge/knowledge-bases";
import { listTemplates, updateTemplate } from "../../lib/templates/templates";
import { makeTenant, testDatabase } from "../setup/db";
import { mail } from "../setup/mail-fixtures";
import { outboundDesk } from "../setup/outbound-desk";

const db = await testDatabase();

type Draft = { title: string; body: string; locale: "en" | "pl"; state: "draft" | "internal" | "published"; categoryId?: string | null };

/**
 * A company whose division names "Pomoc" as its default knowledge base (the help center's), with
 * the articles given, and a second knowledge base no division names.
 */
async function companyWithHelpCenter(name: string, drafts: Draft[]) {
  const company = await makeTenant(db, name);
  const scope = operatorScope(company.tenant.id);
  return withTenant(db, scope.tenantId, async (tx) => {
    const kb = await createKnowledgeBase(tx, scope, { name: "Pomoc" });
    const staffOnly = await createKnowledgeBase(tx, scope, { name: "Dla zespołu" });
    await updateDivisionSettings(tx, scope, company.divisionId, { defaultKnowledgeBaseId: kb.id });
    const made = [];
    for (const draft of drafts) made.push(await createArticle(tx, scope, { knowledgeBaseId: kb.id, ...draft }));
    return { company, scope, kb, staffOnly, articles: made, slug: company.tenant.slug, tenantId: company.tenant.id };
  });
}

/** What the public pages read, as they read it: the company found by slug, then its public articles. */
async function visit(slug: string) {
  const helpCenter = await findHelpCenter(db, slug);
  if (!helpCenter) return null;
  const read = <T>(work: (tx: Parameters<Parameters<typeof withTenant>[2]>[0], tenantId: string) => Promise<T>) =>
    withTenant(db, helpCenter.id, (tx) => work(tx, helpCenter.id));
  return {
    helpCenter,
    home: (locale: string) => read((tx, id) => helpCenterHome(tx, id, locale)),
    search: (locale: string, query: string) => read((tx, id) => searchHelpCenter(tx, id, locale, query)),
    article: (slug: string, locale: string) => read((tx, id) => helpCenterArticle(tx, id, slug, locale)),
  };
}

function titles(home: Awaited<ReturnType<typeof helpCenterHome>>): string[] {
  return [...home.categories.flatMap((c) => c.articles), ...home.uncategorised].map((a) => a.title).sort();
}

describe("the public help center", () => {
  it("shows published articles only: nothing internal, nothing in draft, nothing of a knowledge base no division names", async () => {
    const desk = await companyWithHelpCenter("Jawna", [
      { title: "Korekta faktury", body: "Jak poprawić fakturę.", locale: "pl", state: "published" },
      { title: "Procedura reklamacji dla zespołu", body: "Tylko dla nas.", locale: "pl", state: "internal" },
      { title: "Nowy cennik", body: "Jeszcze nie gotowe.", locale: "pl", state: "draft" },
    ]);
    const hidden = await withTenant(db, desk.tenantId, (tx) =>
      createArticle(tx, desk.scope, { knowledgeBaseId: desk.staffOnly.id, title: "Hasła do serwera", body: "tajne", locale: "pl", state: "published" }),
    );
    const site = (await visit(desk.slug))!;
    expect(site.helpCenter.name).toBe(desk.company.tenant.name);
    expect(titles(await site.home("pl"))).toEqual(["Korekta faktury"]);
    for (const article of [...desk.articles.slice(1), hidden]) {
      expect(await site.article(article.slug, "pl")).toBeNull();
    }
    expect((await site.search("pl", "zespołu")).map((r) => r.title)).toEqual([]);
    expect((await site.search("pl", "hasla serwera")).map((r) => r.title)).toEqual([]);
    expect((await site.search("pl", "cennik")).map((r) => r.title)).toEqual([]);

    // Unpublishing takes it off at once.
    await withTenant(db, desk.tenantId, (tx) => setArticleState(tx, desk.scope, desk.articles[0]!.id, "internal"));
    expect((await site.home("pl")).total).toBe(0);
    expect(await site.article(desk.articles[0]!.slug, "pl")).toBeNull();
  });

  it("shows nothing of another company: its slug under this company's address is not found, and search never finds its articles", async () => {
    const a = await companyWithHelpCenter("Alfa", [{ title: "Zwrot towaru", body: "Zwrot w 14 dni.", locale: "pl", state: "published" }]);
    const b = await companyWithHelpCenter("Beta", [
      { title: "Zwrot towaru w firmie Beta", body: "Zwrot towaru do Bety, tajny adres magazynu.", locale: "pl", state: "published" },
    ]);
    const siteA = (await visit(a.slug))!;
    expect(await siteA.article(b.articles[0]!.slug, "pl")).toBeNull();
    expect((await siteA.search("pl", "zwrot towaru")).map((r) => r.title)).toEqual(["Zwrot towaru"]);
    expect((await siteA.search("pl", "magazynu")).map((r) => r.title)).toEqual([]);
    expect(titles(await siteA.home("pl"))).toEqual(["Zwrot towaru"]);
    // B's own help center has it.
    expect((await (await visit(b.slug))!.article(b.articles[0]!.slug, "pl"))?.title).toBe("Zwrot towaru w firmie Beta");
  });

  it("does not exist for a company whose divisions name no default knowledge base, nor for an unknown slug", async () => {
    const company = await makeTenant(db, "Bez");
    const scope = operatorScope(company.tenant.id);
    await withTenant(db, scope.tenantId, async (tx) => {
      const kb = await createKnowledgeBase(tx, scope, { name: "Pomoc" });
      await createArticle(tx, scope, { knowledgeBaseId: kb.id, title: "Opublikowany", body: "x", locale: "pl", state: "published" });
    });
    expect(await findHelpCenter(db, company.tenant.slug)).toBeNull();
    expect(await findHelpCenter(db, "no-such-company")).toBeNull();
    // Named default, with nothing published yet: a help center that says it has no articles.
    const empty = await companyWithHelpCenter("Pusta", [{ title: "Szkic", body: "x", locale: "pl", state: "draft" }]);
    const site = (await visit(empty.slug))!;
    expect(await site.home("pl")).toMatchObject({ total: 0, categories: [], uncategorised: [], newest: [] });
  });

  it("finds Polish words typed with or without diacritics, title matches first, with a marked snippet of plain text", async () => {
    const desk = await companyWithHelpCenter("Szukaj", [
      { title: "Płatności", body: "Po **złożeniu** zamówienia płacisz kartą lub przelewem.", locale: "pl", state: "published" },
      { title: "Zamówienie hurtowe", body: "Jak złożyć duże zamówienie.", locale: "pl", state: "published" },
      { title: "Dostawa", body: "Kurier przyjeżdża w dwa dni.", locale: "pl", state: "published" },
      { title: "Zamówienia wewnętrzne", body: "Tylko dla zespołu.", locale: "pl", state: "internal" },
    ]);
    const site = (await visit(desk.slug))!;
    for (const query of ["zamowien", "zamówień", "ZAMOWIEN"]) {
      expect((await site.search("pl", query)).map((r) => r.title)).toEqual(["Zamówienie hurtowe", "Płatności"]);
    }
    const [payments] = (await site.search("pl", "zlozeniu")).filter((r) => r.title === "Płatności");
    expect(payments!.snippet.text).toBe("Po złożeniu zamówienia płacisz kartą lub przelewem.");
    const [start, end] = payments!.snippet.marks[0]!;
    expect(payments!.snippet.text.slice(start, end)).toBe("złożeniu");
    // The middle of a title word (trigram), and nothing for nothing.
    expect((await site.search("pl", "hurtow")).map((r) => r.title)).toEqual(["Zamówienie hurtowe"]);
    expect(await site.search("pl", "   ")).toEqual([]);
  });

  it("shows each article in the visitor's language, else in the other one marked so, and sends a visitor to their language's version", async () => {
    const desk = await companyWithHelpCenter("Jezyki", []);
    const { pl, en, englishOnly, category } = await withTenant(db, desk.tenantId, async (tx) => {
      const category = await createCategory(tx, desk.scope, desk.kb.id, { name: "Faktury" });
      const pl = await createArticle(tx, desk.scope, {
        knowledgeBaseId: desk.kb.id,
        title: "Korekta faktury",
        body: "Korektę wystawiamy w dwa dni.",
        locale: "pl",
        state: "published",
        categoryId: category.id,
      });
      const en = await createArticle(tx, desk.scope, {
        knowledgeBaseId: desk.kb.id,
        translationOf: pl.id,
        title: "Correcting an invoice",
        body: "We issue a corrected invoice within two days.",
        locale: "en",
        state: "published",
        categoryId: category.id,
      });
      const englishOnly = await createArticle(tx, desk.scope, {
        knowledgeBaseId: desk.kb.id,
        title: "Shipping abroad",
        body: "We ship to the EU.",
        locale: "en",
        state: "published",
      });
      // A Polish translation in draft is not shown: the English version stands in for it.
      await createArticle(tx, desk.scope, {
        knowledgeBaseId: desk.kb.id,
        translationOf: englishOnly.id,
        title: "Wysyłka za granicę",
        body: "Szkic",
        locale: "pl",
        state: "draft",
      });
      return { pl, en, englishOnly, category };
    });
    const site = (await visit(desk.slug))!;

    const polish = await site.home("pl");
    expect(polish.categories).toEqual([
      { id: category.id, name: "Faktury", articles: [expect.objectContaining({ slug: pl.slug, otherLanguage: false })] },
    ]);
    expect(polish.uncategorised).toEqual([expect.objectContaining({ slug: englishOnly.slug, locale: "en", otherLanguage: true })]);
    expect(polish.total).toBe(2);
    const english = await site.home("en");
    expect(english.categories[0]!.articles.map((a) => a.title)).toEqual(["Correcting an invoice"]);
    expect(english.uncategorised.map((a) => [a.title, a.otherLanguage])).toEqual([["Shipping abroad", false]]);

    // The Polish article asked for in English: go to the English version; it offers the Polish one.
    expect((await site.article(pl.slug, "en"))?.visitorVersionSlug).toBe(en.slug);
    const shown = (await site.article(en.slug, "en"))!;
    expect(shown).toMatchObject({ title: "Correcting an invoice", categoryName: "Faktury", visitorVersionSlug: null });
    expect(shown.versions).toEqual([{ locale: "pl", slug: pl.slug, title: "Korekta faktury" }]);
    // No published Polish version: the English one is shown to a Polish visitor, offering no draft.
    expect(await site.article(englishOnly.slug, "pl")).toMatchObject({ visitorVersionSlug: null, versions: [] });
    // A search in Polish finds the article once, in Polish, whichever version matched.
    expect((await site.search("pl", "corrected invoice")).map((r) => [r.title, r.otherLanguage])).toEqual([["Korekta faktury", false]]);
  });

  it("offers beside an article the other public articles of its category, each once, in the visitor's language", async () => {
    const desk = await companyWithHelpCenter("Obok", []);
    const shown = await withTenant(db, desk.tenantId, async (tx) => {
      const category = await createCategory(tx, desk.scope, desk.kb.id, { name: "Dostawa" });
      const add = (title: string, locale: "pl" | "en", state: Draft["state"], translationOf?: string) =>
        createArticle(tx, desk.scope, { knowledgeBaseId: desk.kb.id, title, body: "x", locale, state, categoryId: category.id, translationOf });
      const main = await add("Czas dostawy", "pl", "published");
      const returns = await add("Zwroty", "pl", "published");
      await add("Returns", "en", "published", returns.id);
      await add("Shipping abroad", "en", "published");
      await add("Kurier dla zespołu", "pl", "internal");
      await add("Paczkomaty", "pl", "draft");
      return main;
    });
    const article = (await (await visit(desk.slug))!.article(shown.slug, "pl"))!;
    expect(article.related.map((a) => [a.title, a.otherLanguage])).toEqual([
      ["Shipping abroad", true],
      ["Zwroty", false],
    ]);
  });

  it("serves a hostile article's body with nothing that runs: no script, no handler, no javascript: link, raw HTML as text", async () => {
    const hostile = [
      "<script>window.__pwned = 1</script>",
      '<img src="x" onerror="window.__pwned = 2">',
      "[click me](javascript:window.__pwned=3)",
      '<a href="https://evil.test" onclick="window.__pwned=4">raw</a>',
      '<iframe src="https://evil.test"></iframe><svg onload="alert(5)"></svg>',
      "![pixel](http://tracker.test/p.gif) ![data](data:image/svg+xml,<svg onload=alert(6)>)",
    ].join("\n\n");
    const desk = await companyWithHelpCenter("Wrogi", [{ title: "Wrogi artykuł", body: hostile, locale: "pl", state: "published" }]);
    const shown = (await (await visit(desk.slug))!.article(desk.articles[0]!.slug, "pl"))!;
    expect(shown.bodyHtml).not.toMatch(/<(script|iframe|svg|img)\b/i);
    // Inside a tag: the handlers written as text (escaped) are harmless words on the page.
    expect(shown.bodyHtml).not.toMatch(/<[^>]*\son\w+\s*=/i);
    expect(shown.bodyHtml).not.toMatch(/href\s*=\s*["']?\s*javascript:/i);
    expect(shown.bodyHtml).toContain("&lt;script&gt;");
  });
});

describe("{{helpCenterUrl}} in mail", () => {
  it("a confirmation links to the company's help center in the division's language, and says nothing when the division has none", async () => {
    const desk = await outboundDesk(db, { language: "pl" }, "Linki");
    await desk.addMailbox("pomoc@linki.test");
    const [stored] = (await desk.tx((tx) => listTemplates(tx, desk.scope, desk.divisionId))).filter(
      (template) => template.kind === "confirmation" && template.locale === "pl",
    );
    await desk.tx((tx) =>
      updateTemplate(tx, desk.ownerScope, stored!.id, {
        name: stored!.name,
        subject: stored!.subject,
        body: `${stored!.body}\n\nOdpowiedzi znajdziesz tu: {{helpCenterUrl}}`,
      }),
    );
    await desk.receive(mail({ subject: "Bez centrum pomocy", to: "pomoc@linki.test" }));

    await desk.tx(async (tx) => {
      const kb = await createKnowledgeBase(tx, desk.scope, { name: "Pomoc" });
      await updateDivisionSettings(tx, desk.scope, desk.divisionId, { defaultKnowledgeBaseId: kb.id });
    });
    await desk.receive(mail({ subject: "Z centrum pomocy", to: "pomoc@linki.test", from: "Anna <anna@customer.test>" }));

    const [without, withLink] = await desk.outboxRows("confirmation");
    expect(without!.text.endsWith("Odpowiedzi znajdziesz tu: ")).toBe(true);
    const address = appUrl(helpCenterPath("pl", desk.company.tenant.slug));
    expect(address).toMatch(new RegExp(`/pl/help/${desk.company.tenant.slug}$`));
    expect(withLink!.text.endsWith(`Odpowiedzi znajdziesz tu: ${address}`)).toBe(true);
  });
});
