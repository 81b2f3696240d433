import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { divisions } from "../../db/schema";
import { withTenant } from "../../db/tenant";
import { json, postdesk } from "../setup/cli";
import { makeTenant, testDatabase } from "../setup/db";
import { seedSupportKnowledge, ticketWith } from "../setup/support-knowledge";

const db = await testDatabase();

interface SuggestJson {
  ticket: { number: number; subject: string };
  knowledgeBaseId: string;
  limit: number;
  articles: { id: string; title: string; locale: string; state: string; score: number; url: string | null }[];
}

describe("postdesk ticket suggest", () => {
  it("lists the Polish invoice-correction article first for a Polish invoice ticket, with its score and public address", async () => {
    const company = await makeTenant(db, "Cli Suggest");
    const where = { tenantId: company.tenant.id, divisionId: company.divisionId };
    const kb = await seedSupportKnowledge(db, where.tenantId, where.divisionId);
    await withTenant(db, where.tenantId, (tx) => tx.update(divisions).set({ maxSuggestions: 2 }).where(eq(divisions.id, where.divisionId)));
    await ticketWith(db, where, {
      number: 7,
      subject: "Prośba o korektę faktury FV/2026/11/042",
      inbound: ["Dzień dobry, zapłaciłam przelewem za zamówienie, ale na fakturze jest błędny NIP. Proszę o fakturę korygującą."],
    });

    const result = json<SuggestJson>(await postdesk(["ticket", "suggest", "--division", where.divisionId, "--number", "7", "--json"]));
    expect(result.ticket).toEqual({ number: 7, subject: "Prośba o korektę faktury FV/2026/11/042" });
    expect(result).toMatchObject({ knowledgeBaseId: kb.knowledgeBaseId, limit: 2 });
    expect(result.articles).toHaveLength(2);
    const [first, second] = result.articles;
    expect(first).toMatchObject({ id: kb.ids.invoicePl, title: "Korekta faktury", locale: "pl", state: "published" });
    expect(first!.url).toMatch(new RegExp(`/pl/help/${company.tenant.slug}/korekta-faktury$`));
    expect(first!.score).toBeGreaterThan(second!.score);

    const human = await postdesk(["ticket", "suggest", "--division", where.divisionId, "--number", "7"]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^SCORE +LANGUAGE +STATE +TITLE +PUBLIC ADDRESS$/m);
    expect(human.stdout).toMatch(/^\d+\.\d{3} +pl +published +Korekta faktury +http\S+\/korekta-faktury$/m);
  });

  it("says how to set a support knowledge base when the division has none", async () => {
    const company = await makeTenant(db, "Cli Suggest None");
    await ticketWith(db, { tenantId: company.tenant.id, divisionId: company.divisionId }, { number: 1, subject: "Faktura", inbound: ["Korekta"] });
    const run = await postdesk(["ticket", "suggest", "--division", company.divisionId, "--number", "1"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`postdesk division set --division ${company.divisionId} --default-support-knowledge-base-id KB`);
  });
});
