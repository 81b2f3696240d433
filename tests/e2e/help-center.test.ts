import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as schema from "../../db/schema";
import { operatorScope, withTenant } from "../../db/tenant";
import { updateDivisionSettings } from "../../lib/divisions/divisions";
import { createArticle } from "../../lib/knowledge/articles";
import { createCategory, createKnowledgeBase } from "../../lib/knowledge/knowledge-bases";
import { makeTenant, testDatabase } from "../setup/db";
import { browserTests, SCENARIO_TIMEOUT_MS, tPl } from "./browser";

/**
 * The public help center in a real browser, signed in as nobody: a company's published articles
 * by category, a search typed without Polish letters, an article, its English version through the
 * language switch; drafts, internal articles and another company's articles are not there, and an
 * article with hostile Markdown (or hostile HTML that got past the sanitizer) runs nothing.
 */

const db = await testDatabase();
const { url, newPage, screenshot, failure } = browserTests("help-center");

const INVOICE_BODY = `Korektę faktury wystawiamy w ciągu **dwóch dni roboczych** od zgłoszenia.

## Jak poprosić o korektę

1. Odpowiedz na e-mail z fakturą albo napisz do nas.
2. Podaj numer faktury, np. \`FV/2026/03/15\`.
3. Napisz, co trzeba poprawić: NIP, adres, kwotę.

> Korekta trafia na ten sam adres e-mail co faktura.

## Terminy

| Sprawa | Czas |
| --- | --- |
| Korekta danych | 2 dni robocze |
| Korekta kwoty | 5 dni roboczych |

Więcej o płatnościach: [regulamin](https://example.com/regulamin).`;

/** A company with a help center of several categories, in Polish and a little English, a draft and an internal article. */
async function helpCenterCompany() {
  const company = await makeTenant(db, "Sklep");
  const scope = operatorScope(company.tenant.id);
  return withTenant(db, scope.tenantId, async (tx) => {
    const kb = await createKnowledgeBase(tx, scope, { name: "Pomoc dla klientów" });
    await updateDivisionSettings(tx, scope, company.divisionId, { defaultKnowledgeBaseId: kb.id });
    const [invoices, delivery, account] = [
      await createCategory(tx, scope, kb.id, { name: "Faktury i płatności" }),
      await createCategory(tx, scope, kb.id, { name: "Dostawa i zwroty" }),
      await createCategory(tx, scope, kb.id, { name: "Konto klienta" }),
    ];
    const add = (title: string, body: string, categoryId: string | null, state: "published" | "draft" | "internal" = "published") =>
      createArticle(tx, scope, { knowledgeBaseId: kb.id, title, body, locale: "pl", state, categoryId });
    const invoice = await add("Korekta faktury", INVOICE_BODY, invoices!.id);
    const english = await createArticle(tx, scope, {
      knowledgeBaseId: kb.id,
      translationOf: invoice.id,
      title: "Correcting an invoice",
      body: "We issue a corrected invoice within two working days.",
      locale: "en",
      state: "published",
      categoryId: invoices!.id,
    });
    await add("Formy płatności", "Płatność kartą, BLIKIEM lub przelewem. Płatność przy odbiorze kosztuje 5 zł.", invoices!.id);
    await add("Faktura na firmę", "Podaj NIP przy zamówieniu, a faktura przyjdzie e-mailem.", invoices!.id);
    await add("Czas dostawy", "Wysyłamy w 24 godziny, kurier dostarcza w 1–2 dni.", delivery!.id);
    await add("Zwrot towaru w 14 dni", "Towar możesz zwrócić bez podania przyczyny w ciągu 14 dni.", delivery!.id);
    await add("Reklamacja uszkodzonej przesyłki", "Spisz protokół szkody przy kurierze.", delivery!.id);
    await add("Zmiana hasła", "Hasło zmienisz w ustawieniach konta.", account!.id);
    await add("Usunięcie konta", "Napisz do nas z adresu przypisanego do konta.", account!.id);
    await add("Godziny pracy biura", "Od poniedziałku do piątku, 8–16.", null);
    await createArticle(tx, scope, {
      knowledgeBaseId: kb.id,
      title: "Shipping abroad",
      body: "We ship to every country of the EU.",
      locale: "en",
      state: "published",
      categoryId: delivery!.id,
    });
    const draft = await add("Nowy cennik 2027", "Jeszcze niegotowe.", invoices!.id, "draft");
    const internal = await add("Procedura zwrotów dla zespołu", "Tylko dla konsultantów.", delivery!.id, "internal");
    return { slug: company.tenant.slug, name: company.tenant.name, invoice, english, draft, internal };
  });
}

/**
 * A company whose help center holds a hostile article, and one whose stored HTML is hostile, as if
 * the sanitizer had let it through: the page's policy must still run none of it.
 */
async function hostileCompany() {
  const company = await makeTenant(db, "Wrogi");
  const scope = operatorScope(company.tenant.id);
  return withTenant(db, scope.tenantId, async (tx) => {
    const kb = await createKnowledgeBase(tx, scope, { name: "Pomoc" });
    await updateDivisionSettings(tx, scope, company.divisionId, { defaultKnowledgeBaseId: kb.id });
    const add = (title: string, body: string) =>
      createArticle(tx, scope, { knowledgeBaseId: kb.id, title, body, locale: "pl", state: "published" });
    const hostile = await add(
      "Wrogi artykuł",
      [
        "<script>window.__pwned = 'script'; alert('script')</script>",
        '<img src="x" onerror="window.__pwned = \'onerror\'; alert(\'onerror\')">',
        "[Kliknij](javascript:alert('link'))",
      ].join("\n\n"),
    );
    const slipped = await add("Przemycony HTML", "tymczasowy");
    await tx
      .update(schema.articles)
      .set({
        bodyHtml:
          "<p>Przemycony</p><script>window.__pwned = 'slipped script'; alert('slipped')</script>" +
          "<img src=\"/x.png\" onerror=\"window.__pwned = 'slipped onerror'; alert('slipped')\">" +
          "<a id=\"slipped-link\" href=\"javascript:window.__pwned='slipped link'\">link</a>",
      })
      .where(and(eq(schema.articles.tenantId, scope.tenantId), eq(schema.articles.id, slipped.id)));
    return { slug: company.tenant.slug, hostile, slipped };
  });
}

describe("the public help center in the browser", () => {
  it(
    "shows a company's published articles in Polish without signing in, finds one typed without diacritics, and runs nothing of a hostile one",
    async () => {
      const desk = await helpCenterCompany();
      const hostile = await hostileCompany();
      const other = await makeTenant(db, "Obcy");
      const otherArticle = await withTenant(db, other.tenant.id, async (tx) => {
        const scope = operatorScope(other.tenant.id);
        const kb = await createKnowledgeBase(tx, scope, { name: "Pomoc" });
        await updateDivisionSettings(tx, scope, other.divisionId, { defaultKnowledgeBaseId: kb.id });
        return createArticle(tx, scope, { knowledgeBaseId: kb.id, title: "Tajemnica firmy Obcy", body: "x", locale: "pl", state: "published" });
      });

      const { context, page } = await newPage();
      const dialogs: string[] = [];
      page.on("dialog", (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      try {
        // Home: the categories with their titles; no draft, no internal article.
        const home = await page.goto(url(`/pl/help/${desk.slug}`));
        expect(home?.status()).toBe(200);
        await page.getByRole("heading", { level: 1, name: tPl("helpCenter.heading") }).waitFor();
        await page.getByText(desk.name).first().waitFor();
        for (const title of ["Korekta faktury", "Formy płatności", "Zwrot towaru w 14 dni", "Zmiana hasła", "Godziny pracy biura"]) {
          await page.getByRole("link", { name: title, exact: true }).first().waitFor();
        }
        // The English-only article is offered, marked as such.
        await page.locator('[data-only-in="en"]').first().waitFor();
        const text = await page.locator("body").innerText();
        for (const hidden of [desk.draft.title, desk.internal.title, "Tajemnica firmy Obcy", "Correcting an invoice"]) {
          expect(text).not.toContain(hidden);
        }
        await screenshot(page, "260-help-center-pl");

        // A search without Polish letters.
        await page.getByLabel(tPl("helpCenter.searchLabel")).fill("platnosc");
        await page.getByLabel(tPl("helpCenter.searchLabel")).press("Enter");
        await page.waitForURL(/\?q=platnosc$/);
        await page.getByRole("link", { name: /Formy płatności/ }).waitFor();
        await page.locator("mark").first().waitFor();
        expect(await page.locator("body").innerText()).not.toContain(desk.draft.title);
        await screenshot(page, "262-help-center-search-pl");

        // The article, with its category in the breadcrumb and its English version offered.
        await page.goto(url(`/pl/help/${desk.slug}`));
        await page.getByRole("link", { name: "Korekta faktury", exact: true }).first().click();
        await page.waitForURL(`**/pl/help/${desk.slug}/${desk.invoice.slug}`);
        await page.getByRole("heading", { level: 1, name: "Korekta faktury" }).waitFor();
        expect(await page.title()).toBe(`Korekta faktury · ${tPl("helpCenter.metaTitle", { company: desk.name })}`);
        await page.getByRole("navigation", { name: tPl("helpCenter.breadcrumb") }).getByText("Faktury i płatności").waitFor();
        await page.getByRole("heading", { level: 2, name: "Jak poprosić o korektę" }).waitFor();
        await page.getByRole("link", { name: /Correcting an invoice/ }).waitFor();
        await page.getByRole("complementary").getByRole("link", { name: "Formy płatności" }).waitFor();
        await screenshot(page, "261-help-center-article-pl");
        // The language switch keeps the address; the English visitor lands on the English version.
        await page.getByRole("button", { name: "EN" }).click();
        await page.waitForURL(`**/en/help/${desk.slug}/${desk.english.slug}`);
        await page.getByRole("heading", { level: 1, name: "Correcting an invoice" }).waitFor();

        // Hostile Markdown: shown as text, nothing of it in the page as markup, nothing run.
        await page.goto(url(`/pl/help/${hostile.slug}/${hostile.hostile.slug}`));
        await page.getByRole("heading", { level: 1, name: "Wrogi artykuł" }).waitFor();
        const body = page.locator(".article-body");
        expect(await body.locator("script, img, [onerror]").count()).toBe(0);
        expect(await body.locator('a[href^="javascript"]').count()).toBe(0);
        expect(await body.innerText()).toContain("<script>");
        // Hostile HTML as if it had slipped past the sanitizer: the page's policy runs none of it.
        await page.goto(url(`/pl/help/${hostile.slug}/${hostile.slipped.slug}`));
        await page.getByText("Przemycony", { exact: true }).waitFor();
        await page.locator("#slipped-link").click();
        await page.waitForTimeout(500);
        expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
        expect(dialogs).toEqual([]);

        // Not there: a draft, an internal article, another company's article under this address, an unknown company.
        for (const path of [
          `/pl/help/${desk.slug}/${desk.draft.slug}`,
          `/pl/help/${desk.slug}/${desk.internal.slug}`,
          `/pl/help/${desk.slug}/${otherArticle.slug}`,
          `/pl/help/no-such-company-${desk.slug}`,
        ]) {
          expect((await page.goto(url(path)))?.status(), path).toBe(404);
        }
        // The other company's article is at its own help center.
        expect((await page.goto(url(`/pl/help/${other.tenant.slug}/${otherArticle.slug}`)))?.status()).toBe(200);
      } catch (error) {
        await screenshot(page, "failure-help-center-pl").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});
