import { describe, expect, it } from "vitest";
import { operatorScope, type TenantScope, withTenant } from "../../db/tenant";
import {
  createArticle,
  deleteArticle,
  getArticle,
  listArticleRevisions,
  listArticles,
  listTranslations,
  restoreArticleRevision,
  setArticleState,
  updateArticle,
} from "../../lib/knowledge/articles";
import { createCategory, createKnowledgeBase, listCategories, listKnowledgeBases, moveCategory } from "../../lib/knowledge/knowledge-bases";
import { ForbiddenError, RuleError } from "../../lib/errors";
import { makeTenant, testDatabase } from "../setup/db";

const db = await testDatabase();

async function desk() {
  const company = await makeTenant(db, "Wiedza");
  const scope = operatorScope(company.tenant.id);
  const kb = await withTenant(db, scope.tenantId, (tx) => createKnowledgeBase(tx, scope, { name: "Pomoc" }));
  return { company, scope, kb };
}

describe("knowledge base articles", () => {
  it("an article keeps every saved version as its history, newest first", async () => {
    const { scope, kb } = await desk();
    const history = await withTenant(db, scope.tenantId, async (tx) => {
      const article = await createArticle(tx, scope, {
        knowledgeBaseId: kb.id,
        title: "Korekta faktury",
        body: "Pierwsza wersja",
        locale: "pl",
        state: "draft",
      });
      await updateArticle(tx, scope, article.id, { title: "Korekta faktury", body: "Druga wersja", locale: "pl", state: "internal" });
      await setArticleState(tx, scope, article.id, "published");
      return listArticleRevisions(tx, scope, article.id);
    });
    expect(history.map((r) => [r.body, r.state])).toEqual([
      ["Druga wersja", "published"],
      ["Druga wersja", "internal"],
      ["Pierwsza wersja", "draft"],
    ]);
  });

  it("the slug follows the title until the article is first published, and is unique in the company", async () => {
    const { scope, kb } = await desk();
    await withTenant(db, scope.tenantId, async (tx) => {
      const first = await createArticle(tx, scope, { knowledgeBaseId: kb.id, title: "Zwrot towaru", body: "x", locale: "pl", state: "draft" });
      const second = await createArticle(tx, scope, { knowledgeBaseId: kb.id, title: "Zwrot towaru", body: "y", locale: "pl", state: "draft" });
      expect([first.slug, second.slug]).toEqual(["zwrot-towaru", "zwrot-towaru-2"]);
      const renamed = await updateArticle(tx, scope, first.id, { title: "Łatwy zwrot", body: "x", locale: "pl", state: "published" });
      expect(renamed.slug).toBe("latwy-zwrot");
      const after = await updateArticle(tx, scope, first.id, { title: "Zwroty", body: "x", locale: "pl", state: "published" });
      expect(after.slug).toBe("latwy-zwrot");
    });
  });

  it("a translation joins the article's versions, one per language", async () => {
    const { scope, kb } = await desk();
    await withTenant(db, scope.tenantId, async (tx) => {
      const pl = await createArticle(tx, scope, { knowledgeBaseId: kb.id, title: "Korekta faktury", body: "x", locale: "pl", state: "published" });
      const en = await createArticle(tx, scope, {
        knowledgeBaseId: kb.id,
        translationOf: pl.id,
        title: "Correcting an invoice",
        body: "y",
        locale: "en",
        state: "draft",
      });
      expect(en.translationGroupId).toBe(pl.id);
      expect((await listTranslations(tx, scope, pl)).map((t) => t.locale)).toEqual(["en"]);
      await expect(
        createArticle(tx, scope, { knowledgeBaseId: kb.id, translationOf: pl.id, title: "Drugi", body: "z", locale: "pl", state: "draft" }),
      ).rejects.toMatchObject({ key: "invalidInput", fieldErrors: { locale: ["translationExists"] } });
    });
  });

  it("the body is stored rendered and safe: hostile Markdown and HTML become text", async () => {
    const { scope, kb } = await desk();
    const article = await withTenant(db, scope.tenantId, (tx) =>
      createArticle(tx, scope, {
        knowledgeBaseId: kb.id,
        title: "Hostile",
        body: '<script>alert(1)</script>\n\n[click](javascript:alert(1))\n\n<img src=x onerror="alert(1)">',
        locale: "en",
        state: "published",
      }),
    );
    expect(article.bodyHtml).not.toMatch(/<script|<img|href="javascript/i);
    expect(article.bodyHtml).toContain("&lt;script&gt;");
  });

  it("staff search finds Polish words typed with or without diacritics, title matches first", async () => {
    const { scope, kb } = await desk();
    const found = await withTenant(db, scope.tenantId, async (tx) => {
      await createArticle(tx, scope, { knowledgeBaseId: kb.id, title: "Zamówienie hurtowe", body: "Jak złożyć", locale: "pl", state: "internal" });
      await createArticle(tx, scope, { knowledgeBaseId: kb.id, title: "Płatności", body: "Po złożeniu zamówienia płacisz", locale: "pl", state: "draft" });
      await createArticle(tx, scope, { knowledgeBaseId: kb.id, title: "Dostawa", body: "Kurier", locale: "pl", state: "published" });
      return {
        plain: (await listArticles(tx, scope, { knowledgeBaseId: kb.id, query: "zamowien" })).map((a) => a.title),
        accented: (await listArticles(tx, scope, { knowledgeBaseId: kb.id, query: "zamówień" })).map((a) => a.title),
        drafts: (await listArticles(tx, scope, { knowledgeBaseId: kb.id, state: "draft" })).map((a) => a.title),
      };
    });
    expect(found.plain).toEqual(["Zamówienie hurtowe", "Płatności"]);
    expect(found.accented).toEqual(["Zamówienie hurtowe", "Płatności"]);
    expect(found.drafts).toEqual(["Płatności"]);
  });

  it("a category of another knowledge base is refused; the list counts published articles", async () => {
    const { scope, kb } = await desk();
    await withTenant(db, scope.tenantId, async (tx) => {
      const other = await createKnowledgeBase(tx, scope, { name: "Inna" });
      const foreign = await createCategory(tx, scope, other.id, { name: "Faktury" });
      await expect(
        createArticle(tx, scope, { knowledgeBaseId: kb.id, categoryId: foreign.id, title: "A", body: "b", locale: "pl", state: "draft" }),
      ).rejects.toBeInstanceOf(RuleError);
      await createArticle(tx, scope, { knowledgeBaseId: kb.id, title: "A", body: "b", locale: "pl", state: "published" });
      const kbs = await listKnowledgeBases(tx, scope);
      expect(kbs.map((k) => [k.name, k.articleCount, k.publishedCount])).toEqual([["Inna", 0, 0], ["Pomoc", 1, 1]]);
    });
  });

  it("an agent writes articles but does not set up knowledge bases, and deletes only their own", async () => {
    const { company, scope, kb } = await desk();
    const agent: TenantScope = { tenantId: scope.tenantId, userId: company.user.id, role: "agent" };
    await withTenant(db, scope.tenantId, async (tx) => {
      await expect(createKnowledgeBase(tx, agent, { name: "Nowa" })).rejects.toBeInstanceOf(ForbiddenError);
      const byOperator = await createArticle(tx, scope, { knowledgeBaseId: kb.id, title: "A", body: "b", locale: "pl", state: "draft" });
      await expect(deleteArticle(tx, agent, byOperator.id)).rejects.toBeInstanceOf(ForbiddenError);
      const own = await createArticle(tx, agent, { knowledgeBaseId: kb.id, title: "B", body: "c", locale: "pl", state: "draft" });
      await deleteArticle(tx, agent, own.id);
      await expect(getArticle(tx, scope, own.id)).rejects.toMatchObject({ what: "article" });
    });
  });

  it("restoring an earlier version brings back its title and text as a new version, keeping the state", async () => {
    const { scope, kb } = await desk();
    const { restored, history } = await withTenant(db, scope.tenantId, async (tx) => {
      const article = await createArticle(tx, scope, { knowledgeBaseId: kb.id, title: "Zwroty", body: "Masz 14 dni.", locale: "pl", state: "draft" });
      await updateArticle(tx, scope, article.id, { title: "Zwroty towaru", body: "Masz 30 dni.", locale: "pl", state: "published" });
      const first = (await listArticleRevisions(tx, scope, article.id)).at(-1)!;
      const restored = await restoreArticleRevision(tx, scope, article.id, first.id);
      return { restored, history: await listArticleRevisions(tx, scope, article.id) };
    });
    expect(restored).toMatchObject({ title: "Zwroty", body: "Masz 14 dni.", state: "published" });
    expect(restored.bodyHtml).toBe("<p>Masz 14 dni.</p>\n");
    expect(history.map((r) => r.body)).toEqual(["Masz 14 dni.", "Masz 30 dni.", "Masz 14 dni."]);
  });

  it("a version of another article is not restored into this one", async () => {
    const { scope, kb } = await desk();
    await withTenant(db, scope.tenantId, async (tx) => {
      const one = await createArticle(tx, scope, { knowledgeBaseId: kb.id, title: "A", body: "a", locale: "pl", state: "draft" });
      const other = await createArticle(tx, scope, { knowledgeBaseId: kb.id, title: "B", body: "b", locale: "pl", state: "draft" });
      const [otherVersion] = await listArticleRevisions(tx, scope, other.id);
      await expect(restoreArticleRevision(tx, scope, one.id, otherVersion!.id)).rejects.toMatchObject({ what: "articleRevision" });
    });
  });

  it("categories move one place up or down, and not past either end", async () => {
    const { scope, kb } = await desk();
    const orders = await withTenant(db, scope.tenantId, async (tx) => {
      const names = async () => (await listCategories(tx, scope, kb.id)).map((c) => c.name);
      const [faktury, dostawa, konto] = [
        await createCategory(tx, scope, kb.id, { name: "Faktury" }),
        await createCategory(tx, scope, kb.id, { name: "Dostawa" }),
        await createCategory(tx, scope, kb.id, { name: "Konto" }),
      ];
      const seen = [await names()];
      await moveCategory(tx, scope, konto!.id, "up");
      seen.push(await names());
      await moveCategory(tx, scope, faktury!.id, "up");
      await moveCategory(tx, scope, dostawa!.id, "down");
      seen.push(await names());
      return seen;
    });
    expect(orders).toEqual([
      ["Faktury", "Dostawa", "Konto"],
      ["Faktury", "Konto", "Dostawa"],
      ["Faktury", "Konto", "Dostawa"],
    ]);
  });
});
