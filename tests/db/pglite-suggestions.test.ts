import { describe, expect, it } from "vitest";
import { operatorScope, withTenant } from "../../db/tenant";
import { suggestArticles } from "../../lib/knowledge/suggest";
import { makeTenant } from "../setup/db";
import { EMBEDDED_TIMEOUT, embeddedDatabase } from "../setup/embedded";
import { seedSupportKnowledge, ticketWith } from "../setup/support-knowledge";

/**
 * The suggestions' ranking needs ts_rank, pg_trgm's word_similarity and postdesk_fold, which the
 * embedded database (PGlite, `npm start` without DATABASE_URL) must rank as a Postgres server does.
 */

const embedded = embeddedDatabase("pglite-suggestions");

describe("suggested answers in the embedded database", () => {
  it("suggest the Polish invoice-correction article first, and find a typo'd title by its trigrams", { timeout: EMBEDDED_TIMEOUT }, async () => {
    const db = embedded.handle().db;
    const company = await makeTenant(db, "Embedded Suggestions");
    const where = { tenantId: company.tenant.id, divisionId: company.divisionId };
    const kb = await seedSupportKnowledge(db, where.tenantId, where.divisionId);
    const suggest = async (number: number, subject: string, inbound: string[]) => {
      const ticketId = await ticketWith(db, where, { number, subject, inbound });
      return withTenant(db, where.tenantId, (tx) => suggestArticles(tx, operatorScope(where.tenantId), { ticketId }));
    };
    const invoice = await suggest(1, "Prośba o korektę faktury FV/2026/11/042", ["Na fakturze jest błędny NIP, proszę o fakturę korygującą."]);
    expect(invoice.articles[0]!.id).toBe(kb.ids.invoicePl);
    const typo = await suggest(2, "Korrekta faktruy", ["Jak najszybciej!"]);
    expect(typo.articles.map((a) => a.id)).toEqual([kb.ids.invoicePl]);
  });
});
