import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { divisions } from "../../db/schema";
import { operatorScope, withTenant } from "../../db/tenant";
import { MIN_SCORE, suggestArticles } from "../../lib/knowledge/suggest";
import { makeTenant, testDatabase } from "../setup/db";
import { seedSupportKnowledge, ticketWith } from "../setup/support-knowledge";

const db = await testDatabase();

/** A shop with the Polish and English support knowledge base as its division's. */
async function shop(settings: { maxSuggestions?: number } = {}) {
  const company = await makeTenant(db, "Sklep");
  const where = { tenantId: company.tenant.id, divisionId: company.divisionId };
  const kb = await seedSupportKnowledge(db, where.tenantId, where.divisionId);
  await withTenant(db, where.tenantId, (tx) =>
    tx.update(divisions).set({ maxSuggestions: settings.maxSuggestions ?? 20 }).where(eq(divisions.id, where.divisionId)),
  );
  let number = 0;
  const suggest = async (ticket: Omit<Parameters<typeof ticketWith>[2], "number">) => {
    const ticketId = await ticketWith(db, where, { number: ++number, ...ticket });
    return withTenant(db, where.tenantId, (tx) => suggestArticles(tx, operatorScope(where.tenantId), { ticketId }));
  };
  return { company, where, kb, suggest };
}

const polishInvoiceTicket = {
  subject: "Prośba o korektę faktury FV/2026/11/042",
  inbound: [
    "Dzień dobry,\nzapłaciłam przelewem za zamówienie i paczka już dotarła, ale na fakturze FV/2026/11/042 jest błędny NIP " +
      "naszej firmy: powinno być 525-000-11-22. Proszę o wystawienie faktury korygującej.\nPozdrawiam,\nAnna Nowak",
  ],
};

describe("suggested answers on a ticket", () => {
  it("a Polish ticket about an invoice correction gets the Polish invoice-correction article first, never the draft", async () => {
    const { kb, suggest } = await shop();
    const suggestions = await suggest(polishInvoiceTicket);
    expect(suggestions.language).toBe("pl");
    expect(suggestions.knowledgeBaseId).toBe(kb.knowledgeBaseId);
    const ids = suggestions.articles.map((a) => a.id);
    expect(ids[0]).toBe(kb.ids.invoicePl);
    // Its words touch other articles too (a transfer, an order, a parcel): they rank below.
    expect(ids.length).toBeGreaterThan(2);
    expect(ids).not.toContain(kb.ids.invoiceDraft);
    const [first, second] = suggestions.articles;
    expect(first!.score).toBeGreaterThan(2 * second!.score);
    expect(first).toMatchObject({ title: "Korekta faktury", locale: "pl", state: "published" });
    expect(first!.snippet).toMatch(/^Jeśli na fakturze jest błąd/);
    expect(first!.text).toContain("2. Korektę wyślemy w ciągu 3 dni roboczych");
    expect(first!.text).toContain("nasze zasady [https://sklep.example/faktury]");
  });

  it("shows no more than the division's Max suggestions, and none when it is 0", async () => {
    const two = await shop({ maxSuggestions: 2 });
    const limited = await two.suggest(polishInvoiceTicket);
    expect(limited.limit).toBe(2);
    expect(limited.articles.map((a) => a.id)).toHaveLength(2);
    expect(limited.articles[0]!.id).toBe(two.kb.ids.invoicePl);

    const off = await shop({ maxSuggestions: 0 });
    expect((await off.suggest(polishInvoiceTicket)).articles).toEqual([]);
  });

  it("an English ticket gets the English article first", async () => {
    const { kb, suggest } = await shop();
    const suggestions = await suggest({
      subject: "Invoice correction needed",
      inbound: ["Hello,\nthe invoice you sent us has the wrong company name. Could you send a corrected one?\nThanks, John"],
    });
    expect(suggestions.language).toBe("en");
    expect(suggestions.articles[0]!.id).toBe(kb.ids.invoiceEn);
    expect(suggestions.articles[0]!.title).toBe("Correcting an invoice");
  });

  it("an article in the other language still shows when it matches strongly, below the customer's language", async () => {
    const { kb, suggest } = await shop();
    const suggestions = await suggest({
      subject: "Reset hasła nie działa",
      inbound: ["Klikam „Nie pamiętam hasła”, a w aplikacji widzę po angielsku: „Forgot your password? Resetting password failed”. Co robić?"],
    });
    const ids = suggestions.articles.map((a) => a.id);
    expect(ids[0]).toBe(kb.ids.passwordPl);
    expect(ids).toContain(kb.ids.passwordEn);
  });

  it(`a ticket with nothing in common with the knowledge base gets no suggestion (none scores under ${MIN_SCORE})`, async () => {
    const { suggest } = await shop();
    const suggestions = await suggest({
      subject: "Pytanie",
      inbound: ["Czy sprzedajecie rowery dziecięce w kolorze zielonym? Szukam prezentu dla syna."],
    });
    expect(suggestions.articles).toEqual([]);
  });

  it("a subject whose words all miss still finds the article whose title it resembles (trigrams)", async () => {
    const { kb, suggest } = await shop();
    const suggestions = await suggest({ subject: "Korrekta faktruy", inbound: ["Jak najszybciej!"] });
    expect(suggestions.articles.map((a) => a.id)).toEqual([kb.ids.invoicePl]);
  });

  it("only the customer's words count: the staff's replies and notes do not", async () => {
    const { kb, suggest } = await shop();
    const suggestions = await suggest({
      subject: "Nie mogę się zalogować",
      inbound: ["Dzień dobry, od wczoraj nie mogę się zalogować, nie pamiętam hasła."],
      outbound: ["Czy chodzi o korektę faktury? Fakturę korygującą wystawimy po podaniu NIP."],
      notes: ["Sprawdzić faktury klienta, korekta faktury FV/2026/11/042, błędny NIP."],
    });
    const ids = suggestions.articles.map((a) => a.id);
    expect(ids[0]).toBe(kb.ids.passwordPl);
    expect(ids).not.toContain(kb.ids.invoicePl);
  });

  it("a published article of the help center's knowledge base has a public address; an internal one none", async () => {
    const { company, kb, suggest } = await shop();
    const suggestions = await suggest({
      subject: "Dostawa zamówienia",
      inbound: ["Kiedy dostanę paczkę? Zamówienie złożyłem wczoraj. A czy mogę zapłacić przy odbiorze, za pobraniem?"],
    });
    const delivery = suggestions.articles.find((a) => a.id === kb.ids.deliveryPl);
    const payment = suggestions.articles.find((a) => a.id === kb.ids.paymentPl);
    expect(delivery?.publicPath).toBeNull();
    expect(payment?.publicPath).toBe(`/pl/help/${company.tenant.slug}/platnosci`);
  });

  it("a division without a support knowledge base gets no suggestions", async () => {
    const { where, suggest } = await shop();
    await withTenant(db, where.tenantId, (tx) =>
      tx.update(divisions).set({ defaultSupportKnowledgeBaseId: null }).where(eq(divisions.id, where.divisionId)),
    );
    const suggestions = await suggest(polishInvoiceTicket);
    expect(suggestions).toMatchObject({ knowledgeBaseId: null, articles: [] });
  });

  it("another company's articles never appear, even if a division named its knowledge base", async () => {
    const other = await shop();
    const { where, suggest } = await shop();
    // Nothing in the app lets this happen; the suggestions must not trust it either.
    await withTenant(db, where.tenantId, (tx) =>
      tx.update(divisions).set({ defaultSupportKnowledgeBaseId: other.kb.knowledgeBaseId }).where(eq(divisions.id, where.divisionId)),
    );
    expect((await suggest(polishInvoiceTicket)).articles).toEqual([]);
  });
});
