import { describe, expect, it } from "vitest";
import { operatorScope, withTenant } from "../../db/tenant";
import { createArticle, listArticles } from "../../lib/knowledge/articles";
import { createKnowledgeBase } from "../../lib/knowledge/knowledge-bases";
import { listQueue } from "../../lib/tickets/queue";
import { parseSearch } from "../../lib/tickets/queue-search";
import { makeTenant } from "../setup/db";
import { EMBEDDED_TIMEOUT, embeddedDatabase } from "../setup/embedded";
import { encodedWord, mail } from "../setup/mail-fixtures";
import { receiveMail } from "../setup/receive";

/**
 * The search document needs unaccent and pg_trgm, which PGlite loads as extensions of its own
 * (db/client.ts): the same words must find the same tickets there as on a Postgres server.
 * PGlite starts in several seconds on a small machine, hence the long timeouts.
 */

const TIMEOUT = EMBEDDED_TIMEOUT;
const embedded = embeddedDatabase("pglite-search");

describe("searching tickets in the embedded database", () => {
  it("finds a Polish ticket by its words without diacritics, an English one by its stem, a subject by its middle, a ticket by its number", { timeout: TIMEOUT }, async () => {
    expect(embedded.handle().kind).toBe("embedded");
    const company = await makeTenant(embedded.handle().db, "Embedded Search");
    const where = { tenantId: company.tenant.id, divisionId: company.divisionId };
    const subject = encodedWord("Zamówienie z Łodzi");
    await receiveMail(embedded.handle().db, where, mail({ subject, body: "Moje zamówienie nie dotarło." }));
    await receiveMail(embedded.handle().db, where, mail({ subject: "Late delivery", body: "I ordered two chairs." }));

    const found = async (text: string) => {
      const page = await withTenant(embedded.handle().db, company.tenant.id, (tx) =>
        listQueue(tx, operatorScope(company.tenant.id), { search: parseSearch(text) }),
      );
      return [...page.pinned, ...page.rows].map((row) => row.subject).sort();
    };
    expect(await found("zamowienie")).toEqual(["Zamówienie z Łodzi"]);
    expect(await found("dotarlo lodzi")).toEqual(["Zamówienie z Łodzi"]);
    expect(await found("orders")).toEqual(["Late delivery"]);
    expect(await found("mowienie")).toEqual(["Zamówienie z Łodzi"]);
    expect(await found("2")).toEqual(["Late delivery"]);
    expect(await found("zamowienie orders")).toEqual([]);
  });

  it("keeps an article's search document (a generated column) and finds it without diacritics", { timeout: TIMEOUT }, async () => {
    const db = embedded.handle().db;
    const company = await makeTenant(db, "Embedded Articles");
    const scope = operatorScope(company.tenant.id);
    const titles = await withTenant(db, company.tenant.id, async (tx) => {
      const kb = await createKnowledgeBase(tx, scope, { name: "Pomoc" });
      await createArticle(tx, scope, { knowledgeBaseId: kb.id, title: "Korekta faktury", body: "Błędny NIP na fakturze", locale: "pl", state: "published" });
      await createArticle(tx, scope, { knowledgeBaseId: kb.id, title: "Dostawa", body: "Kurier", locale: "pl", state: "published" });
      return (await listArticles(tx, scope, { knowledgeBaseId: kb.id, query: "bledny nip" })).map((a) => a.title);
    });
    expect(titles).toEqual(["Korekta faktury"]);
  });
});
