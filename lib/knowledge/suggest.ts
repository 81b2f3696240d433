import { and, asc, type Column, desc, eq, gte, inArray, notInArray, type SQL, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { type ArticleState, articles, divisions, messages, tenants, tickets } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";
import { appUrl, helpCenterArticlePath } from "@/lib/app-url";
import { found } from "@/lib/errors";
import { isLocale, type Locale } from "@/lib/i18n/routing";
import { articleReplyText } from "./article-text";
import { publicArticle } from "./public";
import { guessLanguage, MAX_TEXT, significantWords, wordPrefix } from "./ticket-words";

/**
 * Suggested answers: the articles of the division's support knowledge base
 * (`divisions.default_support_knowledge_base_id`) that best match what the customer wrote, at most
 * the division's `max_suggestions` of them. Only internal and published articles: a draft is not
 * an answer yet.
 *
 * What is matched: the ticket's subject and the customer's own messages (their shown text, quotes
 * left out; not the staff's replies and notes, which would suggest what was already answered), the
 * first MAX_TEXT characters. Of that, the significant words (ticket-words.ts: no greetings, small
 * words or numbers), at most MAX_WORDS.
 *
 * How they are ranked:
 * 1. Words, over every article of the knowledge base. Each word is looked up in the article's
 *    search document (title weight A, body weight B; folded and English-stemmed, migration 0021)
 *    two ways, OR'ed: as its English stem ("correction" finds "correcting") and as the start of a
 *    word (wordPrefix: "fakturze" looks for "faktu…", so it finds "faktura" and "faktury": Postgres
 *    has no Polish stemmer). `ts_rank` of such an OR query is the mean, over the query's terms, of
 *    each term's weight in the article (title 1.0, body 0.4; about 0.6 of it for one occurrence,
 *    nearing all of it as the term repeats); times the number of terms it is their sum, a score
 *    that does not shrink as the customer writes more. Normalization 1 divides it by 1 + ln(the
 *    article's length in words): a long article does not win by mentioning everything somewhere,
 *    and a title made of the customer's words weighs most. The best CANDIDATES go on.
 * 2. The title as a whole, for those. `word_similarity(title, subject)` (pg_trgm) is the share of
 *    the title's trigrams found in one stretch of the subject: "Korekta faktury" is most of "Prośba
 *    o korektę faktury FV/…" even where the words' forms differ. It adds TITLE_WEIGHT × that share
 *    when the share is at least TITLE_SIMILARITY (below it, trigrams shared by chance).
 * 3. Language. The customer's language is guessed (ticket-words.ts guessLanguage, else the
 *    division's): an article in another language counts OTHER_LANGUAGE of its score. It still
 *    shows when it matches strongly (a knowledge base with no Polish version of it), below the
 *    articles in the customer's language that match as well.
 * 4. The fallback. When no article reaches STRONG_SCORE by the above (the words missed: a typo,
 *    a form the prefixes do not reach) and there is room left, the titles of the whole knowledge
 *    base are compared with the subject by trigrams alone (TITLE_WEIGHT × share, by language) and
 *    those at least TITLE_SIMILARITY alike fill the room.
 * An article under MIN_SCORE (one or two of the customer's words somewhere in a long article's
 * body) is not suggested: an unrelated suggestion costs the agent a look for nothing.
 *
 * Speed: the articles are read through `articles_kb_idx` (tenant, knowledge base, state) and each
 * is ranked by its words (the tsqueries built once, as InitPlans); only the CANDIDATES' bodies are
 * read, and the trigrams of every title only in the fallback. Row-level security keeps the GIN
 * index of `document` out of a filter by @@ (not leakproof), which would save little here: the
 * ranking reads every article anyway. 5,000 articles, every one sharing words with the ticket:
 * about 35 ms at the median, 50 ms p95; the fallback 45 ms (tests/bench/suggestions.ts).
 */

/** The weight of the title's trigram similarity (0–1) beside the words' score. */
const TITLE_WEIGHT = 2;
const TITLE_SIMILARITY = 0.5;
const OTHER_LANGUAGE = 0.5;
export const MIN_SCORE = 0.1;
/** What the words alone score when the article is about the ticket: its title's words, several of its body's. */
const STRONG_SCORE = 0.5;
/** The articles best by their words that the title's similarity may still reorder. */
const CANDIDATES = 50;
const SUGGESTED_STATES: ArticleState[] = ["internal", "published"];
/** A suggestion's one line under its title. */
const SNIPPET_LENGTH = 160;

export interface SuggestedArticle {
  id: string;
  title: string;
  locale: Locale;
  state: ArticleState;
  slug: string;
  score: number;
  snippet: string;
  /** The article as plain text for a reply: what "Insert" puts in the composer. */
  text: string;
  /** Its help-center address (without origin) when the public may read it, else null. */
  publicPath: string | null;
}

export interface Suggestions {
  /** The division's support knowledge base; null when none is set (nothing is suggested). */
  knowledgeBaseId: string | null;
  /** The division's "Max suggestions"; 0 turns them off. */
  limit: number;
  /** The customer's language as guessed. */
  language: Locale;
  articles: SuggestedArticle[];
}

export async function suggestArticles(
  tx: Executor,
  scope: TenantScope,
  { ticketId }: { ticketId: string },
): Promise<Suggestions> {
  const [ticket] = await tx
    .select({
      subject: tickets.subject,
      knowledgeBaseId: divisions.defaultSupportKnowledgeBaseId,
      limit: divisions.maxSuggestions,
      divisionLanguage: divisions.language,
      tenantSlug: tenants.slug,
      customerText: sql<string | null>`(select left(string_agg(left(coalesce(${messages.displayText}, ${messages.text}, ''), ${MAX_TEXT}), ' ' order by ${messages.createdAt}), ${MAX_TEXT})
        from ${messages} where ${messages.tenantId} = ${tickets.tenantId} and ${messages.ticketId} = ${tickets.id}
        and ${messages.direction} = 'inbound' and ${messages.deletedAt} is null)`,
    })
    .from(tickets)
    .innerJoin(divisions, eq(divisions.id, tickets.divisionId))
    .innerJoin(tenants, eq(tenants.id, tickets.tenantId))
    .where(and(eq(tickets.tenantId, scope.tenantId), eq(tickets.id, ticketId)));
  const { subject, knowledgeBaseId, limit, divisionLanguage, tenantSlug, customerText } = found(ticket, "ticket");
  const text = `${subject}\n${customerText ?? ""}`;
  const language = guessLanguage(text, isLocale(divisionLanguage) ? divisionLanguage : "en");
  const words = significantWords(text);
  const none = { knowledgeBaseId, limit, language, articles: [] };
  if (!knowledgeBaseId || limit <= 0 || (words.length === 0 && !subject.trim())) return none;

  // Quoted terms: the words are letters and digits only, nothing the tsquery syntax reads.
  const stems = words.map((word) => `'${word}'`).join(" | ");
  const prefixes = [...new Set(words.map(wordPrefix))].map((prefix) => `'${prefix}':*`).join(" | ");
  const inKnowledgeBase = and(
    eq(articles.tenantId, scope.tenantId),
    eq(articles.knowledgeBaseId, knowledgeBaseId),
    inArray(articles.state, SUGGESTED_STATES),
  );
  const inLanguage = (locale: SQL | Column) => sql`case when ${locale} = ${language} then 1 else ${OTHER_LANGUAGE}::float8 end`;
  // A scalar subquery: made once for the statement, not once per article.
  const foldedSubject = sql`(select postdesk_fold(${subject}))`;
  const titleSimilarity = (title: SQL | Column) => sql`word_similarity(postdesk_fold(${title}), ${foldedSubject})`;
  const columns = {
    id: articles.id,
    title: articles.title,
    locale: articles.locale,
    state: articles.state,
    slug: articles.slug,
    bodyHtml: articles.bodyHtml,
    isPublic: sql<boolean>`${publicArticle(scope.tenantId)}`.as("is_public"),
  };

  let ranked: { id: string; title: string; locale: string; state: ArticleState; slug: string; bodyHtml: string; isPublic: boolean; score: number }[] = [];
  if (words.length > 0) {
    const query = sql`(select to_tsquery('pg_catalog.english', ${stems}) || to_tsquery('pg_catalog.simple', ${prefixes}))`;
    // ts_rank of an OR query is the mean over its terms: times their number, the sum.
    const wordScore = sql`(ts_rank(${articles.document}, ${query}, 1) * (numnode(${query}) + 1) / 2)`;
    // Only what ranks them: the best CANDIDATES' bodies are read after, not every article's.
    const candidates = tx
      .select({ id: articles.id, title: articles.title, locale: articles.locale, words: sql<number>`${wordScore}`.as("words") })
      .from(articles)
      .where(inKnowledgeBase)
      .orderBy(desc(sql`words`))
      .limit(CANDIDATES)
      .as("candidates");
    const similarity = titleSimilarity(candidates.title);
    const score = sql<number>`((${candidates.words} + case when ${similarity} >= ${TITLE_SIMILARITY}::float8
      then ${TITLE_WEIGHT}::float8 * ${similarity} else 0 end) * ${inLanguage(candidates.locale)})::float8`;
    ranked = await tx
      .select({ ...columns, score })
      .from(candidates)
      .innerJoin(articles, and(eq(articles.tenantId, scope.tenantId), eq(articles.id, candidates.id)))
      .where(gte(score, sql`${MIN_SCORE}::float8`))
      .orderBy(desc(score), asc(candidates.title))
      .limit(limit);
  }
  // No strong answer by the words: the fallback (4. above).
  if ((ranked[0]?.score ?? 0) < STRONG_SCORE && ranked.length < limit && subject.trim()) {
    const similarity = titleSimilarity(articles.title);
    const score = sql<number>`(${TITLE_WEIGHT}::float8 * ${similarity} * ${inLanguage(articles.locale)})::float8`;
    const byTitle = await tx
      .select({ ...columns, score })
      .from(articles)
      .where(
        and(
          inKnowledgeBase,
          gte(similarity, sql`${TITLE_SIMILARITY}::float8`),
          ranked.length > 0 ? notInArray(articles.id, ranked.map((article) => article.id)) : undefined,
        ),
      )
      .orderBy(desc(score), asc(articles.title))
      .limit(limit - ranked.length);
    // At least TITLE_SIMILARITY alike scores above MIN_SCORE in any language.
    ranked = [...ranked, ...byTitle].sort(
      (a, b) => b.score - a.score || a.title.localeCompare(b.title),
    );
  }
  return {
    ...none,
    articles: ranked.map((row) => {
      const body = articleReplyText(row.bodyHtml, appUrl("/"));
      return {
        id: row.id,
        title: row.title,
        locale: isLocale(row.locale) ? row.locale : "en",
        state: row.state,
        slug: row.slug,
        score: Math.round(row.score * 1000) / 1000,
        snippet: oneLine(body, SNIPPET_LENGTH),
        text: body,
        publicPath: row.isPublic ? helpCenterArticlePath(row.locale, tenantSlug, row.slug) : null,
      };
    }),
  };
}

function oneLine(text: string, length: number): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length <= length ? line : `${line.slice(0, length - 1).trimEnd()}…`;
}

/** The address "Insert link" puts in a reply. */
export function suggestionUrl(article: Pick<SuggestedArticle, "publicPath">): string | null {
  return article.publicPath ? appUrl(article.publicPath) : null;
}
