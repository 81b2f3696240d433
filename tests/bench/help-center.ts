import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { operatorScope, withTenant } from "../../db/tenant";
import { updateDivisionSettings } from "../../lib/divisions/divisions";
import { createKnowledgeBase } from "../../lib/knowledge/knowledge-bases";
import { findHelpCenter, helpCenterArticle, helpCenterHome, searchHelpCenter } from "../../lib/knowledge/help-center";
import { renderArticleMarkdown } from "../../lib/knowledge/markdown";
import { makeTenant } from "../setup/db";
import { type Figure, percentile, progress } from "./report";
import { type Measurement, select } from "./stack";

const ARTICLES = Number(process.env.BENCH_HELP_CENTER_ARTICLES ?? 2_000);
const CATEGORIES = 12;
const RUNS = Number(process.env.BENCH_HELP_CENTER_RUNS ?? 30);
/** One article in this many is about a "zamówienie": what the search looks for, without diacritics. */
const SEARCHED_EVERY = 50;

/** About 2 KB of Markdown, as a real how-to is: a list, a table, a code span. */
const BODY = `Korektę faktury wystawiamy w ciągu **dwóch dni roboczych** od zgłoszenia.

## Jak poprosić o korektę

1. Odpowiedz na e-mail z fakturą albo napisz do nas.
2. Podaj numer faktury, np. \`FV/2026/03/15\`.
3. Napisz, co trzeba poprawić: NIP, adres albo kwotę.

| Sprawa | Czas |
| --- | --- |
| Korekta danych | 2 dni robocze |
| Korekta kwoty | 5 dni roboczych |

${"Korekta trafia na ten sam adres e-mail co faktura, a jej kopia jest w panelu klienta. ".repeat(15)}`;

/**
 * The public help center's server time at the lib level, as a page asks it: the company by its
 * slug, then one transaction bound to it. ARTICLES published articles in one company (half of them
 * Polish, each with an English version), in CATEGORIES categories, beside another company's.
 */
export const helpCenter: Measurement = {
  name: "help",
  summary: `the public help center of a company with ${ARTICLES.toLocaleString("en")} published articles: home, an article, a search`,
  async run(bench) {
    const { db } = await bench.database();
    const big = await filled(db, ARTICLES);
    await filled(db, Math.round(ARTICLES / 10));
    await db.execute(sql`vacuum analyze articles`);
    const slugs = (
      await select<{ slug: string }>(db, sql`select slug from articles where tenant_id = ${big.tenantId} order by random() limit ${RUNS}`)
    ).map((row) => row.slug);

    const request = async <T>(work: (tx: Parameters<Parameters<typeof withTenant>[2]>[0], tenantId: string) => Promise<T>) => {
      const found = await findHelpCenter(db, big.slug);
      if (!found) throw new Error("The bench's company has no help center");
      return withTenant(db, found.id, (tx) => work(tx, found.id));
    };
    const figures: Figure[] = [];
    const bar = progress("requests", RUNS * 3);
    for (const [name, work] of [
      ["help center home", () => request((tx, id) => helpCenterHome(tx, id, "pl"))],
      ["help center article", (i: number) => request((tx, id) => helpCenterArticle(tx, id, slugs[i % slugs.length]!, "pl"))],
      ["help center search", () => request((tx, id) => searchHelpCenter(tx, id, "pl", "zamowienie faktury"))],
    ] as const) {
      await work(RUNS);
      const samples: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const started = performance.now();
        await work(i);
        samples.push(performance.now() - started);
        bar.increment();
      }
      figures.push({
        measurement: "help",
        name: `${name}, ${ARTICLES.toLocaleString("en")} articles, p95`,
        value: percentile(samples, 0.95),
        unit: "ms",
        target: { op: "<=", value: 50 },
        note: `median ${percentile(samples, 0.5).toFixed(1)} ms; lib level (company lookup + one transaction), no HTTP`,
      });
    }
    bar.stop();
    return figures;
  },
};

/**
 * A company whose division names its knowledge base the help center's, with `count` published
 * articles: `count / 2` Polish ones and an English version of each, in CATEGORIES categories.
 * Set-based: every row gets the same rendered body (lib/knowledge/markdown.ts), titles of their own.
 */
async function filled(db: Database, count: number) {
  const company = await makeTenant(db, "Help");
  const tenantId = company.tenant.id;
  const scope = operatorScope(tenantId);
  const kb = await withTenant(db, tenantId, async (tx) => {
    const kb = await createKnowledgeBase(tx, scope, { name: "Pomoc" });
    await updateDivisionSettings(tx, scope, company.divisionId, { defaultKnowledgeBaseId: kb.id });
    return kb;
  });
  await db.execute(sql`
    insert into knowledge_base_categories (tenant_id, knowledge_base_id, name, position)
    select ${tenantId}, ${kb.id}, 'Kategoria ' || g, g from generate_series(1, ${CATEGORIES}) g`);
  const groups = Math.ceil(count / 2);
  await db.execute(sql`
    with categories as (select array_agg(id order by position) as ids from knowledge_base_categories where knowledge_base_id = ${kb.id}),
    groups as (select g, gen_random_uuid() as group_id from generate_series(1, ${groups}) g)
    insert into articles (id, tenant_id, knowledge_base_id, category_id, translation_group_id, title, body, body_html, locale, state, slug, published_at)
    select case when l.locale = 'pl' then groups.group_id else gen_random_uuid() end, ${tenantId}, ${kb.id},
      c.ids[1 + groups.g % ${CATEGORIES}], groups.group_id,
      case when l.locale = 'pl'
        then (case when groups.g % ${SEARCHED_EVERY} = 0 then 'Zamówienie i faktura ' else 'Artykuł pomocy ' end) || groups.g
        else 'Help article ' || groups.g end,
      ${BODY}, ${renderArticleMarkdown(BODY)}, l.locale, 'published', l.locale || '-article-' || groups.g,
      now() - make_interval(mins => groups.g)
    from groups, categories c, (values ('pl'), ('en')) l(locale)`);
  return { tenantId, slug: company.tenant.slug };
}
