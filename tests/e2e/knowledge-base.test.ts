import crypto from "node:crypto";
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import * as schema from "../../db/schema";
import { operatorScope, withTenant } from "../../db/tenant";
import { createCategory, createKnowledgeBase } from "../../lib/knowledge/knowledge-bases";
import { hashPassword } from "../../lib/auth/password";
import { makeTenant, testDatabase } from "../setup/db";
import { encodedWord, mail } from "../setup/mail-fixtures";
import { receiveMail } from "../setup/receive";
import { browserTests, SCENARIO_TIMEOUT_MS, tEn, tPl } from "./browser";

/**
 * The staff's knowledge base in a real browser, in Polish: an administrator sets one up, writes an
 * article in Markdown with an uploaded picture, previews and saves it, finds it without Polish
 * letters, names the knowledge base the division's default and support one in its settings,
 * publishes the article (its picture then loads for anyone), reads it in the public help center,
 * inserts it as the suggested answer into a reply to a customer's ticket, and adds its English
 * version; the history shows each saved version; a light agent reads but finds no way to write.
 */

const db = await testDatabase();
const { url, newPage, screenshot, signIn, failure } = browserTests("knowledge-base");

/** A PNG of a violet gradient with a white panel, written here as the format lays it out (RFC 2083). */
function gradientPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits per channel, RGB, no interlace
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const panel = x > width * 0.15 && x < width * 0.85 && y > height * 0.25 && y < height * 0.75;
      const shade = (x + y) / (width + height);
      const rgb = panel ? [255, 255, 255] : [99 + 80 * shade, 70 + 90 * shade, 230 - 20 * shade];
      rows.set(rgb.map(Math.round), y * (width * 3 + 1) + 1 + x * 3);
    }
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk("IHDR", header), chunk("IDAT", zlib.deflateSync(rows)), chunk("IEND", Buffer.alloc(0))]);
}

const PNG = gradientPng(480, 200);

const BODY = [
  "## Jak złożyć reklamację",
  "",
  "- Otwórz zamówienie w panelu klienta",
  "- Wybierz **Reklamuj** przy produkcie",
  "- Opisz usterkę i dołącz zdjęcie",
  "",
  "Szczegóły są w [regulaminie sklepu](https://sklep.example/regulamin).",
  "",
].join("\n");

/** A light agent of the company (reads, changes nothing), and how they sign in. */
async function lightAgent(tenantId: string) {
  const suffix = crypto.randomBytes(4).toString("hex");
  const email = `lena-${suffix}@wiedza.test`;
  const password = `Correct-Horse-${suffix}`;
  const [user] = await db.insert(schema.users).values({ email, name: "Lena Lekka", passwordHash: await hashPassword(password) }).returning();
  await withTenant(db, tenantId, (tx) => tx.insert(schema.memberships).values({ tenantId, userId: user!.id, role: "light" }));
  return { email, password };
}

describe("the knowledge base in the browser", () => {
  it(
    "an administrator writes, previews, finds, publishes and translates an article with a picture; a light agent only reads",
    async () => {
      const owner = await makeTenant(db, "Wiedza");
      const slug = owner.tenant.slug;
      const { context, page } = await newPage();
      try {
        await signIn(page, "pl", owner.email, owner.password);
        await page.waitForURL(`**/${slug}/tickets`);

        // No knowledge base yet: the empty page says what to do, and its button makes the first.
        await page.goto(url(`/pl/${slug}/knowledge-base`));
        await page.getByText(tPl("knowledgeBase.index.emptyTitle")).waitFor();
        await page.getByRole("button", { name: tPl("knowledgeBase.kb.create") }).click();
        await page.getByLabel(tPl("knowledgeBase.kb.name")).fill("Pomoc dla klientów");
        await page.getByLabel(tPl("knowledgeBase.kb.description")).fill("Odpowiedzi na najczęstsze pytania klientów sklepu.");
        await page.getByRole("button", { name: tPl("knowledgeBase.kb.add") }).click();
        await page.getByRole("heading", { level: 1, name: "Pomoc dla klientów" }).waitFor();
        const kbPath = new URL(page.url()).pathname;
        const kbId = kbPath.split("/").pop()!;

        await page.getByPlaceholder(tPl("knowledgeBase.categories.newName")).fill("Reklamacje");
        await page.getByRole("button", { name: tPl("knowledgeBase.categories.add"), exact: true }).click();
        await page.locator('[data-category="Reklamacje"]').waitFor();
        await page.getByPlaceholder(tPl("knowledgeBase.categories.newName")).fill("Dostawa");
        await page.getByRole("button", { name: tPl("knowledgeBase.categories.add"), exact: true }).click();
        await page.locator('[data-category="Dostawa"]').waitFor();

        // The article: Markdown with a heading, a list and a link, and a picture uploaded into it.
        await page.getByRole("link", { name: tPl("knowledgeBase.list.newArticle") }).first().click();
        await page.getByRole("heading", { level: 1, name: tPl("knowledgeBase.editor.newTitle") }).waitFor();
        await page.getByLabel(tPl("knowledgeBase.editor.title")).fill("Jak złożyć reklamację");
        await page.getByLabel(tPl("knowledgeBase.editor.category")).selectOption({ label: "Reklamacje" });
        expect(await page.locator("select#locale").inputValue()).toBe("pl");
        const body = page.locator("textarea#body");
        await body.fill(BODY);
        await page.getByLabel(tPl("knowledgeBase.editor.insertImage")).setInputFiles({ name: "formularz.png", mimeType: "image/png", buffer: PNG });
        await expect.poll(() => body.inputValue()).toMatch(/!\[formularz\.png\]\(\/api\/kb\/images\/[0-9a-f-]{36}\)\n$/);
        const imagePath = /\/api\/kb\/images\/[0-9a-f-]{36}/.exec(await body.inputValue())![0];

        // An SVG is refused, next to the button.
        await page
          .getByLabel(tPl("knowledgeBase.editor.insertImage"))
          .setInputFiles({ name: "logo.svg", mimeType: "image/svg+xml", buffer: Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>") });
        await page.getByText(tPl("errors.imageType")).waitFor();

        await page.getByRole("tab", { name: tPl("knowledgeBase.editor.preview") }).click();
        const preview = page.locator("[data-preview]");
        await preview.getByRole("heading", { level: 2, name: "Jak złożyć reklamację" }).waitFor();
        expect(await preview.locator("li").count()).toBe(3);
        expect(await preview.getByRole("link", { name: "regulaminie sklepu" }).getAttribute("href")).toBe("https://sklep.example/regulamin");
        // The picture loads: a member of the company may see it before it is published.
        await expect
          .poll(() => preview.locator(`img[src="${imagePath}"]`).evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
          .toBe(480);
        await screenshot(page, "251-article-editor-pl");

        await page.getByRole("button", { name: tPl("knowledgeBase.editor.save") }).click();
        await page.waitForURL(/\/articles\/[0-9a-f-]{36}$/);
        const articlePath = new URL(page.url()).pathname;
        await page.locator('[data-state="draft"]').first().waitFor();
        await page.locator("[data-article-body] ul li").first().waitFor();

        // In the list, and found without Polish letters.
        await page.goto(url(kbPath));
        await page.locator('[data-article="Jak złożyć reklamację"]').waitFor();
        await page.getByLabel(tPl("knowledgeBase.list.searchLabel")).fill("zlozyc reklamacje");
        await page.getByRole("button", { name: tPl("knowledgeBase.list.search"), exact: true }).click();
        await page.waitForURL(/\?q=zlozyc\+reklamacje/);
        await page.locator('[data-article="Jak złożyć reklamację"]').waitFor();
        await page.getByLabel(tPl("knowledgeBase.list.searchLabel")).fill("przesyłka zaginęła");
        await page.getByRole("button", { name: tPl("knowledgeBase.list.search"), exact: true }).click();
        await page.getByText(tPl("knowledgeBase.list.noMatchTitle")).waitFor();

        // The picture is the staff's until a published article of the help center shows it.
        const anonymous = await newPage();
        const before = await anonymous.page.request.get(url(imagePath));
        expect(before.status()).toBe(404);
        // The division shows this knowledge base in its help center and suggests answers from it.
        await page.goto(url(`/pl/${slug}/settings/divisions/${owner.divisionId}`));
        await page.locator("select#defaultKnowledgeBaseId").selectOption(kbId);
        await page.locator("select#defaultSupportKnowledgeBaseId").selectOption(kbId);
        await page.getByRole("button", { name: tPl("divisionSettings.save") }).click();
        await page.getByText(tPl("divisionSettings.saved")).waitFor();
        await page.goto(url(articlePath));
        await page.getByRole("button", { name: tPl("knowledgeBase.article.publish") }).click();
        await page.locator('h1 [data-state="published"]').waitFor();
        const publicLink = page.locator("[data-public-link]");
        await screenshot(page, "253-article-pl");
        expect(await publicLink.getAttribute("href")).toMatch(new RegExp(`/pl/help/${slug}/jak-zlozyc-reklamacje$`));
        const after = await anonymous.page.request.get(url(imagePath));
        expect(after.status()).toBe(200);
        expect(after.headers()["content-type"]).toBe("image/png");
        expect(after.headers()["x-content-type-options"]).toBe("nosniff");
        expect(after.headers()["content-security-policy"]).toContain("sandbox");
        expect(after.headers()["cache-control"]).toMatch(/^public/);
        // The customer reads it in the help center, picture and all, without signing in.
        await anonymous.page.goto((await publicLink.getAttribute("href"))!);
        await anonymous.page.getByRole("heading", { level: 1, name: "Jak złożyć reklamację" }).waitFor();
        await anonymous.page.getByText("Wybierz Reklamuj przy produkcie").waitFor();
        await expect.poll(() => anonymous.page.locator(`img[src="${imagePath}"]`).evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(480);
        await anonymous.context.close();

        // A customer asks about a complaint: the article is suggested on the ticket, and goes into the reply.
        const { ticketId } = await receiveMail(
          db,
          { tenantId: owner.tenant.id, divisionId: owner.divisionId },
          mail({
            from: "Jan Kowalski <jan@klient.test>",
            subject: encodedWord("Reklamacja zepsutego czajnika"),
            body: "Dzień dobry, czajnik przestał działać po tygodniu. Jak złożyć reklamację?\nJan Kowalski",
          }),
        );
        await page.goto(url(`/pl/${slug}/tickets/${ticketId}`));
        const suggestion = page.locator("li[data-suggested-answer]").first();
        await suggestion.waitFor();
        expect(await suggestion.getAttribute("data-suggested-answer")).toBe("Jak złożyć reklamację");
        await suggestion.getByRole("button", { name: tPl("suggestions.insertLabel", { title: "Jak złożyć reklamację" }) }).click();
        const reply = page.getByLabel(tPl("ticket.composer.replyText"), { exact: true });
        await expect.poll(() => reply.inputValue()).toContain("Wybierz Reklamuj przy produkcie");
        await page.goto(url(articlePath));

        // The English version starts from the Polish text, in English.
        await page.getByRole("link", { name: tPl("knowledgeBase.article.addVersion.en") }).click();
        await page.getByRole("heading", { level: 1, name: tPl("knowledgeBase.editor.newVersionTitle", { title: "Jak złożyć reklamację" }) }).waitFor();
        expect(await page.locator("select#locale").inputValue()).toBe("en");
        expect(await body.inputValue()).toContain(imagePath);
        await page.getByLabel(tPl("knowledgeBase.editor.title")).fill("How to file a complaint");
        await body.fill(`## How to file a complaint\n\n- Open the order\n- Choose **Complain**\n\n![formularz.png](${imagePath})\n`);
        await page.getByRole("button", { name: tPl("knowledgeBase.editor.save") }).click();
        await page.getByRole("heading", { level: 1, name: /How to file a complaint/ }).waitFor();
        await page.getByRole("link", { name: tPl("knowledgeBase.article.version.pl") }).click();
        await page.waitForURL(`**${articlePath}`);
        await page.getByRole("link", { name: tPl("knowledgeBase.article.version.en") }).waitFor();

        // Edited: the title changes, the text it had stays in the history.
        await page.getByRole("link", { name: tPl("knowledgeBase.article.edit") }).click();
        await page.getByLabel(tPl("knowledgeBase.editor.title")).fill("Jak złożyć reklamację towaru");
        await page.getByRole("button", { name: tPl("knowledgeBase.editor.save") }).click();
        await page.waitForURL(`**${articlePath}`);
        await page.getByRole("heading", { level: 1, name: /Jak złożyć reklamację towaru/ }).waitFor();

        await page.goto(url(kbPath));
        await page.locator('[data-article="How to file a complaint"]').waitFor();
        await page.locator('[data-article="Jak złożyć reklamację towaru"]').waitFor();
        await screenshot(page, "250-knowledge-base-list-pl");

        // History: the draft as first saved, published, then renamed; the first one reads as it was.
        await page.goto(url(articlePath));
        await page.getByRole("link", { name: tPl("knowledgeBase.article.history") }).click();
        await page.locator("[data-revisions] li").nth(2).waitFor();
        expect(await page.locator("[data-revisions] li").count()).toBe(3);
        await page.locator("[data-revisions] li").nth(2).getByRole("link").click();
        await page.locator('[data-revisions] li:nth-child(3) a[aria-current="page"]').waitFor();
        expect(await page.locator("[data-revision-title]").textContent()).toBe("Jak złożyć reklamację");
        await screenshot(page, "252-article-history-pl");
        // The first title comes back as a new version; the article stays published.
        await page.getByRole("button", { name: tPl("knowledgeBase.history.restore") }).click();
        await page.getByRole("alertdialog").getByRole("button", { name: tPl("knowledgeBase.history.restoreConfirm") }).click();
        await page.waitForURL(`**${articlePath}`);
        await page.getByRole("heading", { level: 1, name: /^Jak złożyć reklamację(?! towaru)/ }).waitFor();
        await page.locator('h1 [data-state="published"]').waitFor();
      } catch (error) {
        await screenshot(page, "failure-knowledge-base-pl").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }

      // A light agent reads the article but is offered no way to write.
      const light = await lightAgent(owner.tenant.id);
      const reader = await newPage();
      try {
        await signIn(reader.page, "pl", light.email, light.password);
        await reader.page.waitForURL(`**/${slug}/tickets`);
        // The only knowledge base opens at once.
        await reader.page.goto(url(`/pl/${slug}/knowledge-base`));
        await reader.page.locator('[data-article="Jak złożyć reklamację"]').waitFor();
        expect(await reader.page.getByRole("link", { name: tPl("knowledgeBase.list.newArticle") }).count()).toBe(0);
        expect(await reader.page.getByPlaceholder(tPl("knowledgeBase.categories.newName")).count()).toBe(0);
        await reader.page.locator('[data-article="Jak złożyć reklamację"] a').click();
        await reader.page.locator("[data-article-body] h2").waitFor();
        expect(await reader.page.getByRole("link", { name: tPl("knowledgeBase.article.edit") }).count()).toBe(0);
        expect(await reader.page.getByRole("button", { name: tPl("knowledgeBase.article.backToDraft") }).count()).toBe(0);
      } catch (error) {
        await screenshot(reader.page, "failure-knowledge-base-light-pl").catch(() => {});
        throw failure(error);
      } finally {
        await reader.context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "an administrator reorders, renames and deletes a category, and a knowledge base only once asked, in English",
    async () => {
      const owner = await makeTenant(db, "Shelves");
      const slug = owner.tenant.slug;
      const scope = operatorScope(owner.tenant.id);
      const kb = await withTenant(db, scope.tenantId, async (tx) => {
        const kb = await createKnowledgeBase(tx, scope, { name: "Handbook" });
        await createKnowledgeBase(tx, scope, { name: "Old notes" });
        await createCategory(tx, scope, kb.id, { name: "Shipping" });
        await createCategory(tx, scope, kb.id, { name: "Returns" });
        return kb;
      });
      const categoryOrder = () => page.locator("[data-category]").evaluateAll((items) => items.map((item) => item.getAttribute("data-category")));
      const { context, page } = await newPage();
      try {
        await signIn(page, "en", owner.email, owner.password);
        await page.waitForURL(`**/${slug}/tickets`);
        await page.goto(url(`/en/${slug}/knowledge-base/${kb.id}`));

        // Returns first: customers find the categories in this order in the help center too.
        expect(await categoryOrder()).toEqual(["Shipping", "Returns"]);
        await page.getByRole("button", { name: `${tEn("knowledgeBase.categories.rename")}: Returns` }).click();
        await page.getByRole("button", { name: tEn("knowledgeBase.categories.moveUp") }).click();
        await expect.poll(categoryOrder).toEqual(["Returns", "Shipping"]);
        await page.getByRole("button", { name: tEn("knowledgeBase.categories.cancel") }).first().click();

        await page.getByRole("button", { name: `${tEn("knowledgeBase.categories.rename")}: Shipping` }).click();
        await page.getByLabel(tEn("knowledgeBase.categories.name")).fill("Delivery");
        await page.getByRole("button", { name: tEn("knowledgeBase.categories.save") }).click();
        await page.locator('[data-category="Delivery"]').waitFor();
        await page.getByRole("button", { name: `${tEn("knowledgeBase.categories.rename")}: Delivery` }).click();
        await page.getByRole("button", { name: tEn("knowledgeBase.categories.delete") }).click();
        await page.getByRole("alertdialog").getByRole("button", { name: tEn("knowledgeBase.categories.deleteForGood") }).click();
        await page.locator('[data-category="Delivery"]').waitFor({ state: "detached" });

        // The other knowledge base: renamed, then deleted after the question.
        await page.goto(url(`/en/${slug}/knowledge-base`));
        await page.locator('[data-knowledge-base="Old notes"] a').click();
        await page.getByRole("button", { name: tEn("knowledgeBase.kb.editTitle") }).click();
        await page.getByRole("textbox", { name: tEn("knowledgeBase.kb.name"), exact: true }).fill("Handbook");
        await page.getByRole("button", { name: tEn("knowledgeBase.kb.save") }).click();
        await page.getByText(tEn("errors.nameTaken")).waitFor();
        await page.getByRole("textbox", { name: tEn("knowledgeBase.kb.name"), exact: true }).fill("Archive");
        await page.getByRole("button", { name: tEn("knowledgeBase.kb.save") }).click();
        await page.getByRole("heading", { level: 1, name: "Archive" }).waitFor();
        await page.getByRole("button", { name: tEn("knowledgeBase.kb.delete") }).click();
        await page.getByRole("alertdialog").getByRole("button", { name: tEn("knowledgeBase.kb.deleteForGood") }).click();
        await page.waitForURL(`**/en/${slug}/knowledge-base`);
        await page.locator('[data-knowledge-base="Handbook"]').waitFor();
        expect(await page.locator("[data-knowledge-base]").count()).toBe(1);
      } catch (error) {
        await screenshot(page, "failure-knowledge-base-manage-en").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});
