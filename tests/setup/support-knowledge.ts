import { eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { divisions, messages, tickets } from "../../db/schema";
import { operatorScope, withTenant } from "../../db/tenant";
import { createArticle } from "../../lib/knowledge/articles";
import { createKnowledgeBase } from "../../lib/knowledge/knowledge-bases";

/**
 * A support knowledge base in Polish and English, as a small shop writes one: the invoice
 * correction the tests expect first, four other topics in both languages, and a draft about
 * invoices that must never be suggested.
 */
export const supportArticles = {
  invoicePl: {
    title: "Korekta faktury",
    locale: "pl",
    state: "published",
    body:
      "Jeśli na fakturze jest błąd (zły NIP, nazwa firmy, adres lub kwota), wystawimy fakturę korygującą.\n\n" +
      "1. Odpowiedz na tę wiadomość, podając numer faktury i poprawne dane.\n" +
      "2. Korektę wyślemy w ciągu 3 dni roboczych na adres e-mail z zamówienia.\n\n" +
      "Więcej o fakturach: [nasze zasady](https://sklep.example/faktury).",
  },
  invoiceEn: {
    title: "Correcting an invoice",
    locale: "en",
    state: "published",
    body:
      "If your invoice has a mistake (a wrong tax ID, company name, address or amount), we issue a corrected invoice.\n\n" +
      "1. Reply with the invoice number and the correct details.\n" +
      "2. We send the correction within 3 working days to the email address of the order.",
  },
  returnsPl: {
    title: "Zwroty towaru",
    locale: "pl",
    state: "published",
    body: "Towar możesz zwrócić w ciągu 30 dni od dostawy. Zapakuj go starannie i wypełnij formularz zwrotu dołączony do paczki.",
  },
  returnsEn: {
    title: "Returning goods",
    locale: "en",
    state: "published",
    body: "You can return goods within 30 days of delivery. Pack them carefully and fill in the return form included in the parcel.",
  },
  deliveryPl: {
    title: "Dostawa i czas wysyłki",
    locale: "pl",
    state: "internal",
    body: "Zamówienia wysyłamy w ciągu 24 godzin. Kurier dostarcza paczkę w 1–2 dni robocze; numer przesyłki przychodzi e-mailem.",
  },
  deliveryEn: {
    title: "Delivery and shipping times",
    locale: "en",
    state: "internal",
    body: "We ship orders within 24 hours. The courier delivers the parcel in 1–2 working days; the tracking number arrives by email.",
  },
  passwordPl: {
    title: "Reset hasła",
    locale: "pl",
    state: "published",
    body: "Nie pamiętasz hasła? Kliknij „Nie pamiętam hasła” na stronie logowania i otwórz link z wiadomości e-mail.",
  },
  passwordEn: {
    title: "Resetting your password",
    locale: "en",
    state: "published",
    body: "Forgot your password? Click “Forgot password” on the sign-in page and open the link in the email.",
  },
  paymentPl: {
    title: "Płatności",
    locale: "pl",
    state: "published",
    body: "Przyjmujemy BLIK, przelewy i karty. Płatność za pobraniem jest możliwa przy zamówieniach do 1000 zł.",
  },
  paymentEn: {
    title: "Payment methods",
    locale: "en",
    state: "published",
    body: "We accept cards and bank transfers. Cash on delivery is possible for orders up to 1000 PLN.",
  },
  invoiceDraft: {
    title: "Korekta faktury (szkic nowej procedury)",
    locale: "pl",
    state: "draft",
    body: "Szkic: korekta faktury, błędny NIP na fakturze, faktura korygująca — nowa procedura.",
  },
} as const;

export type SupportArticleKey = keyof typeof supportArticles;

/**
 * The knowledge base in a company, set as the division's support knowledge base (suggestions) and
 * as its default one (the help center: published articles get a public address).
 */
export async function seedSupportKnowledge(db: Database, tenantId: string, divisionId: string) {
  const scope = operatorScope(tenantId);
  return withTenant(db, tenantId, async (tx) => {
    const kb = await createKnowledgeBase(tx, scope, { name: "Pomoc" });
    const ids = {} as Record<SupportArticleKey, string>;
    for (const [key, article] of Object.entries(supportArticles) as [SupportArticleKey, (typeof supportArticles)[SupportArticleKey]][]) {
      ids[key] = (await createArticle(tx, scope, { knowledgeBaseId: kb.id, ...article })).id;
    }
    await tx
      .update(divisions)
      .set({ defaultSupportKnowledgeBaseId: kb.id, defaultKnowledgeBaseId: kb.id })
      .where(eq(divisions.id, divisionId));
    return { knowledgeBaseId: kb.id, ids };
  });
}

/** A ticket with the customer's messages (inbound) and, optionally, the staff's (outbound, notes). */
export async function ticketWith(
  db: Database,
  where: { tenantId: string; divisionId: string },
  ticket: { number: number; subject: string; inbound: string[]; outbound?: string[]; notes?: string[] },
): Promise<string> {
  return withTenant(db, where.tenantId, async (tx) => {
    const [row] = await tx
      .insert(tickets)
      .values({ ...where, number: ticket.number, subject: ticket.subject })
      .returning({ id: tickets.id });
    const at = (minute: number) => new Date(Date.UTC(2026, 10, 20, 9, minute));
    const written = [
      ...ticket.inbound.map((text) => ({ direction: "inbound" as const, text, fromAddress: "klient@firma.test" })),
      ...(ticket.outbound ?? []).map((text) => ({ direction: "outbound" as const, text, fromAddress: null })),
      ...(ticket.notes ?? []).map((text) => ({ direction: "note" as const, text, fromAddress: null })),
    ];
    if (written.length > 0) {
      await tx.insert(messages).values(
        written.map((message, index) => ({
          tenantId: where.tenantId,
          ticketId: row!.id,
          direction: message.direction,
          fromAddress: message.fromAddress,
          text: message.text,
          displayText: message.text,
          createdAt: at(index),
        })),
      );
    }
    return row!.id;
  });
}
