import { and, asc, desc, eq, exists, inArray, isNotNull, ne, sql } from "drizzle-orm";
import type { Database, Executor } from "@/db/client";
import { articles, type Division, divisions, knowledgeBaseCategories, tenants } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";
import { appUrl, helpCenterPath } from "@/lib/app-url";
import { parseSearch } from "@/lib/tickets/queue-search";
import { articleMatch } from "./article-search";
import { articleSnippet } from "./article-text";
import { publicArticle } from "./public";

/**
 * A company's public help center (`/{locale}/help/{company}`): no sign-in, so nothing here takes a
 * member's scope. The company is found by its slug outside any tenant (findHelpCenter), as
 * lib/tenants/lookup.ts finds one; everything after runs in a transaction bound to it
 * (`withTenant`), and every article it reads passes publicArticle: published, in a knowledge base a
 * division names as its default. Categories are shown only through the articles that pass it.
 *
 * An article may have a version in each language. The visitor sees each article once: in their
 * language when that version is published, else in the other (`otherLanguage`, which the page says).
 */

export interface HelpCenter {
  id: string;
  name: string;
  slug: string;
}

/**
 * The company with this slug, when it has a help center: some division names a default knowledge
 * base. One that names none has no public pages at all (not found, as an unknown slug is); one whose
 * knowledge base has nothing published yet has a help center that says so.
 */
export async function findHelpCenter(db: Database, companySlug: string): Promise<HelpCenter | null> {
  const [tenant] = await db
    .select({ id: tenants.id, name: tenants.name, slug: tenants.slug })
    .from(tenants)
    .where(
      and(
        eq(tenants.slug, companySlug),
        exists(
          db
            .select({ one: sql`1` })
            .from(divisions)
            .where(and(eq(divisions.tenantId, tenants.id), isNotNull(divisions.defaultKnowledgeBaseId))),
        ),
      ),
    );
  return tenant ?? null;
}

export interface HelpCenterArticleLink {
  /** Its language versions share it: one article, whichever version is shown. */
  translationGroupId: string;
  slug: string;
  title: string;
  locale: string;
  /** No version in the visitor's language is published: this is the other language's. */
  otherLanguage: boolean;
  categoryId: string | null;
  publishedAt: Date | null;
}

export interface HelpCenterCategory {
  id: string;
  name: string;
  articles: HelpCenterArticleLink[];
}

export interface HelpCenterHome {
  /** Categories that hold a public article, in their order; articles by title. */
  categories: HelpCenterCategory[];
  uncategorised: HelpCenterArticleLink[];
  /** The latest published, newest first. */
  newest: HelpCenterArticleLink[];
  total: number;
}

const NEWEST = 5;

/** Each public article once (of one category, with `categoryId`), in the visitor's language where it can be. */
async function visibleArticles(
  tx: Executor,
  tenantId: string,
  locale: string,
  categoryId?: string,
): Promise<HelpCenterArticleLink[]> {
  const rows = await tx
    .selectDistinctOn([articles.translationGroupId], {
      translationGroupId: articles.translationGroupId,
      slug: articles.slug,
      title: articles.title,
      locale: articles.locale,
      categoryId: articles.categoryId,
      publishedAt: articles.publishedAt,
    })
    .from(articles)
    .where(and(publicArticle(tenantId), categoryId ? eq(articles.categoryId, categoryId) : undefined))
    .orderBy(articles.translationGroupId, desc(sql`${articles.locale} = ${locale}`));
  return rows.map((row) => ({ ...row, otherLanguage: row.locale !== locale }));
}

export async function helpCenterHome(tx: Executor, tenantId: string, locale: string): Promise<HelpCenterHome> {
  const visible = await visibleArticles(tx, tenantId, locale);
  const collator = new Intl.Collator(locale);
  const byTitle = [...visible].sort((a, b) => collator.compare(a.title, b.title));
  const categoryIds = [...new Set(visible.flatMap((article) => (article.categoryId ? [article.categoryId] : [])))];
  const categories =
    categoryIds.length === 0
      ? []
      : await tx
          .select({ id: knowledgeBaseCategories.id, name: knowledgeBaseCategories.name })
          .from(knowledgeBaseCategories)
          .where(and(eq(knowledgeBaseCategories.tenantId, tenantId), inArray(knowledgeBaseCategories.id, categoryIds)))
          .orderBy(asc(knowledgeBaseCategories.position), asc(knowledgeBaseCategories.name));
  return {
    categories: categories.map((category) => ({
      ...category,
      articles: byTitle.filter((article) => article.categoryId === category.id),
    })),
    uncategorised: byTitle.filter((article) => article.categoryId === null),
    newest: [...visible]
      .sort((a, b) => (b.publishedAt?.getTime() ?? 0) - (a.publishedAt?.getTime() ?? 0))
      .slice(0, NEWEST),
    total: visible.length,
  };
}

export interface HelpCenterSearchResult extends HelpCenterArticleLink {
  categoryName: string | null;
  /** Plain text around the first word found, `[start, end)` of each found word marked. */
  snippet: { text: string; marks: [number, number][] };
}

const SEARCH_LIMIT = 20;

/**
 * Public articles that match the query, best first, as the staff's search finds them (with or
 * without diacritics, beginnings of words). Each article once: the visitor's version when it is
 * published, whichever version matched.
 */
export async function searchHelpCenter(
  tx: Executor,
  tenantId: string,
  locale: string,
  query: string,
): Promise<HelpCenterSearchResult[]> {
  const search = parseSearch(query);
  if (!search) return [];
  const match = articleMatch(search);
  const matched = tx.$with("matched").as(
    tx
      .select({ groupId: sql<string>`${articles.translationGroupId}`.as("group_id"), rank: sql<number>`max(${match.rank})`.as("rank") })
      .from(articles)
      .where(and(publicArticle(tenantId), match.where))
      .groupBy(articles.translationGroupId)
      .orderBy(desc(sql`max(${match.rank})`))
      .limit(SEARCH_LIMIT),
  );
  const rows = await tx
    .with(matched)
    .selectDistinctOn([articles.translationGroupId], {
      translationGroupId: articles.translationGroupId,
      slug: articles.slug,
      title: articles.title,
      locale: articles.locale,
      categoryId: articles.categoryId,
      categoryName: knowledgeBaseCategories.name,
      publishedAt: articles.publishedAt,
      // Enough of the body for a snippet, without reading a long article whole.
      html: sql<string>`left(${articles.bodyHtml}, 20000)`,
      rank: matched.rank,
    })
    .from(matched)
    .innerJoin(articles, and(publicArticle(tenantId), eq(articles.translationGroupId, matched.groupId)))
    .leftJoin(
      knowledgeBaseCategories,
      and(eq(knowledgeBaseCategories.tenantId, articles.tenantId), eq(knowledgeBaseCategories.id, articles.categoryId)),
    )
    .orderBy(articles.translationGroupId, desc(sql`${articles.locale} = ${locale}`));
  return rows
    .sort((a, b) => Number(b.rank) - Number(a.rank) || a.title.localeCompare(b.title, locale))
    .map(({ html, rank: _rank, ...row }) => ({
      ...row,
      otherLanguage: row.locale !== locale,
      snippet: articleSnippet(html, search.words),
    }));
}

export interface HelpCenterArticle {
  id: string;
  slug: string;
  title: string;
  bodyHtml: string;
  locale: string;
  categoryId: string | null;
  categoryName: string | null;
  publishedAt: Date | null;
  updatedAt: Date;
  /** Its other published language versions. */
  versions: { locale: string; slug: string; title: string }[];
  /** The slug of its version in the visitor's language, when this is another language's: go there. */
  visitorVersionSlug: string | null;
  /** The other public articles of its category, by title, at most RELATED. */
  related: HelpCenterArticleLink[];
}

const RELATED = 8;

/** A public article by its slug, or null: a draft, an internal one or another company's is not found. */
export async function helpCenterArticle(
  tx: Executor,
  tenantId: string,
  slug: string,
  locale: string,
): Promise<HelpCenterArticle | null> {
  const [article] = await tx
    .select({
      id: articles.id,
      slug: articles.slug,
      title: articles.title,
      bodyHtml: articles.bodyHtml,
      locale: articles.locale,
      categoryId: articles.categoryId,
      categoryName: knowledgeBaseCategories.name,
      publishedAt: articles.publishedAt,
      updatedAt: articles.updatedAt,
      translationGroupId: articles.translationGroupId,
    })
    .from(articles)
    .leftJoin(
      knowledgeBaseCategories,
      and(eq(knowledgeBaseCategories.tenantId, articles.tenantId), eq(knowledgeBaseCategories.id, articles.categoryId)),
    )
    .where(and(publicArticle(tenantId), eq(articles.slug, slug)));
  if (!article) return null;
  const versions = await tx
    .select({ locale: articles.locale, slug: articles.slug, title: articles.title })
    .from(articles)
    .where(
      and(publicArticle(tenantId), eq(articles.translationGroupId, article.translationGroupId), ne(articles.id, article.id)),
    )
    .orderBy(asc(articles.locale));
  const neighbours = article.categoryId ? await visibleArticles(tx, tenantId, locale, article.categoryId) : [];
  const collator = new Intl.Collator(locale);
  const { translationGroupId: group, ...shown } = article;
  return {
    ...shown,
    versions,
    visitorVersionSlug: article.locale === locale ? null : (versions.find((v) => v.locale === locale)?.slug ?? null),
    related: neighbours
      .filter((other) => other.translationGroupId !== group)
      .sort((a, b) => collator.compare(a.title, b.title))
      .slice(0, RELATED),
  };
}

/**
 * `{{helpCenterUrl}}` of a division's mail: its company's help center in the division's language.
 * Empty when the division names no default knowledge base: its customers have no help center of
 * its, and the company may have none at all, whose address is a page not found (findHelpCenter).
 */
export async function helpCenterUrlOf(
  tx: Executor,
  scope: TenantScope,
  division: Pick<Division, "defaultKnowledgeBaseId" | "language">,
): Promise<string> {
  if (!division.defaultKnowledgeBaseId) return "";
  const [tenant] = await tx.select({ slug: tenants.slug }).from(tenants).where(eq(tenants.id, scope.tenantId));
  return tenant ? appUrl(helpCenterPath(division.language, tenant.slug)) : "";
}
