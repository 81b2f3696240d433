import { sql } from "drizzle-orm";
import { type TenantScope, withScope } from "../../db/tenant";
import { suggestArticles } from "../../lib/knowledge/suggest";
import { makeTenant } from "../setup/db";
import { seedSupportKnowledge, ticketWith } from "../setup/support-knowledge";
import { type Figure, note, percentile, progress } from "./report";
import type { Measurement } from "./stack";

const ARTICLES = Number(process.env.BENCH_SUGGEST_ARTICLES ?? 5_000);
const RUNS = Number(process.env.BENCH_SUGGEST_RUNS ?? 30);
/** Words of a help desk's articles in both languages, some of them the ticket's: every article is a near miss. */
const VOCABULARY = (
  "zamówienie paczka kurier przesyłka dostawa zwrot reklamacja gwarancja płatność przelew karta konto hasło " +
  "logowanie faktura rabat kod produkt rozmiar kolor sklep klient termin adres telefon aplikacja newsletter " +
  "order parcel courier shipping delivery return complaint warranty payment transfer card account password " +
  "login invoice discount code product size colour shop customer address phone app newsletter settings"
).split(" ");

export const suggestions: Measurement = {
  name: "suggestions",
  summary: `suggested answers for a ticket from a support knowledge base of ${ARTICLES.toLocaleString("en")} articles`,
  async run(bench) {
    const { db } = await bench.database();
    const company = await makeTenant(db, "Wiedza");
    const tenantId = company.tenant.id;
    const { knowledgeBaseId, ids } = await seedSupportKnowledge(db, tenantId, company.divisionId);
    const fill = progress("filling the knowledge base", 1);
    // A Polish and an English article in turn, of 120–300 words each, a third of them drafts.
    await db.execute(sql`
      insert into articles (tenant_id, knowledge_base_id, translation_group_id, title, body, body_html, locale, state, slug)
      select ${tenantId}, ${knowledgeBaseId}, gen_random_uuid(), initcap(w.title), w.body, '<p>' || w.body || '</p>',
        case when g % 2 = 0 then 'pl' else 'en' end, (array['internal', 'published', 'draft'])[1 + g % 3]::article_state,
        'bench-' || g
      from generate_series(1, ${ARTICLES}) g,
        lateral (
          select string_agg(word, ' ') filter (where n <= 4) as title, string_agg(word, ' ') as body
          from (
            select n, (${sql.raw(`array[${VOCABULARY.map((word) => `'${word}'`).join(",")}]`)})[1 + floor(random() * ${VOCABULARY.length})::int] as word
            from generate_series(1, 120 + (g * 7919) % 180) n
            -- Refers to g: one list of words per article, not one for all.
            where g > 0
          ) words
        ) w`);
    await db.execute(sql`vacuum analyze articles`);
    fill.increment();
    fill.stop();

    const where = { tenantId, divisionId: company.divisionId };
    const invoiceTicket = await ticketWith(db, where, {
      number: 1,
      subject: "Prośba o korektę faktury FV/2026/11/042",
      inbound: [
        "Dzień dobry,\nzapłaciłam przelewem za zamówienie i paczka już dotarła, ale na fakturze FV/2026/11/042 jest błędny NIP " +
          "naszej firmy: powinno być 525-000-11-22. Proszę o wystawienie faktury korygującej.\nPozdrawiam,\nAnna Nowak",
      ],
    });
    // Words in no article: the title trigrams are then tried over the whole knowledge base, the slowest case.
    const unmatchedTicket = await ticketWith(db, where, {
      number: 2,
      subject: "Rowery dziecięce",
      inbound: ["Czy sprzedajecie rowery dziecięce? Szukam prezentu dla syna."],
    });
    // As the ticket page asks: the owner, in a transaction bound to them.
    const scope: TenantScope = { tenantId, userId: company.user.id, role: "owner" };
    const figures: Figure[] = [];
    for (const [name, ticketId] of [
      ["a ticket about an invoice correction", invoiceTicket],
      ["a ticket no article is about (title trigrams over all)", unmatchedTicket],
    ] as const) {
      const suggest = () => withScope(db, scope, (tx) => suggestArticles(tx, scope, { ticketId }));
      // A first run warms the connection and its caches; it is not counted.
      const first = await suggest();
      const samples: number[] = [];
      const timings = progress(name.slice(0, 34), RUNS);
      for (let i = 0; i < RUNS; i++) {
        const started = performance.now();
        await suggest();
        samples.push(performance.now() - started);
        timings.increment();
      }
      timings.stop();
      const top = first.articles[0];
      const expected = ticketId === invoiceTicket ? top?.id === ids.invoicePl : first.articles.length === 0;
      note(`${name}: ${first.articles.map((a) => `${a.title} (${a.score})`).join(", ") || "no suggestion"}`);
      figures.push({
        measurement: "suggestions",
        name: `ticket suggestions at ${ARTICLES.toLocaleString("en")} articles, ${name}, p95`,
        value: percentile(samples, 0.95),
        unit: "ms",
        target: { op: "<=", value: 200 },
        note: `aim ≤ 50 ms; median ${percentile(samples, 0.5).toFixed(1)} ms; ${expected ? "suggested as expected" : "WRONG suggestions"}`,
      });
    }
    return figures;
  },
};
