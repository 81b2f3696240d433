import { and, asc, desc, eq, like, ne, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { z } from "zod";
import type { Executor } from "@/db/client";
import {
  type Article,
  articleRevisions,
  articles,
  type ArticleState,
  articleStateEnum,
  knowledgeBaseCategories,
  users,
} from "@/db/schema";
import type { TenantScope } from "@/db/tenant";
import { recordAudit } from "@/lib/audit";
import { canManageKnowledgeBases } from "@/lib/auth/roles";
import { ForbiddenError, found, RuleError } from "@/lib/errors";
import { optionalUuid, zodFieldErrors } from "@/lib/forms";
import { locales } from "@/lib/i18n/routing";
import { slugify } from "@/lib/tenants/slug";
import { parseSearch } from "@/lib/tickets/queue-search";
import { articleMatch } from "./article-search";
import { getKnowledgeBase } from "./knowledge-bases";
import { renderArticleMarkdown } from "./markdown";

/** What the editor, the CLI and an import save. */
export const articleFields = z.object({
  title: z.string().trim().min(1, "required").max(200, "tooLong"),
  body: z.string().trim().min(1, "required").max(200_000, "tooLong"),
  locale: z.enum(locales, "invalidChoice"),
  state: z.enum(articleStateEnum.enumValues, "invalidChoice"),
  categoryId: optionalUuid.default(null),
});
export type ArticleInput = z.input<typeof articleFields>;

function validated(input: ArticleInput): z.output<typeof articleFields> {
  const parsed = articleFields.safeParse(input);
  if (!parsed.success) throw new RuleError("invalidInput", zodFieldErrors(parsed.error));
  return parsed.data;
}

/** An article by id, in any state: staff see drafts and internal articles too. */
export async function getArticle(tx: Executor, scope: TenantScope, id: string): Promise<Article> {
  const [article] = await tx
    .select()
    .from(articles)
    .where(and(eq(articles.tenantId, scope.tenantId), eq(articles.id, id)));
  return found(article, "article");
}

/** A category of the knowledge base, or a field error: an article never points into another one. */
async function checkCategory(tx: Executor, scope: TenantScope, knowledgeBaseId: string, categoryId: string | null): Promise<void> {
  if (categoryId === null) return;
  const [category] = await tx
    .select({ id: knowledgeBaseCategories.id })
    .from(knowledgeBaseCategories)
    .where(
      and(
        eq(knowledgeBaseCategories.tenantId, scope.tenantId),
        eq(knowledgeBaseCategories.knowledgeBaseId, knowledgeBaseId),
        eq(knowledgeBaseCategories.id, categoryId),
      ),
    );
  if (!category) throw new RuleError("invalidInput", { categoryId: ["invalidChoice"] });
}

/**
 * A slug for the title not yet taken in the company: "korekta-faktury", else "korekta-faktury-2" …
 * The public address is made of it, so it must be unique across every knowledge base and language.
 */
async function freeSlug(tx: Executor, scope: TenantScope, title: string, exceptId: string | null): Promise<string> {
  const base = slugify(title, { maxLength: 80, fallback: "article" });
  const taken = new Set(
    (
      await tx
        .select({ slug: articles.slug })
        .from(articles)
        .where(
          and(
            eq(articles.tenantId, scope.tenantId),
            like(articles.slug, `${base}%`),
            exceptId ? ne(articles.id, exceptId) : undefined,
          ),
        )
    ).map((row) => row.slug),
  );
  let slug = base;
  for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
  return slug;
}

async function recordRevision(tx: Executor, scope: TenantScope, article: Article): Promise<void> {
  await tx.insert(articleRevisions).values({
    tenantId: scope.tenantId,
    articleId: article.id,
    title: article.title,
    body: article.body,
    state: article.state,
    editorId: scope.userId,
    // Not the transaction's now(): several saves in one transaction (the CLI's add and publish) must keep their order.
    createdAt: sql`clock_timestamp()`,
  });
}

/**
 * A new article in a knowledge base, or, with `translationOf`, another language version of an
 * existing one (in the same knowledge base; one version per language).
 */
export async function createArticle(
  tx: Executor,
  scope: TenantScope,
  input: ArticleInput & { knowledgeBaseId: string; translationOf?: string | null },
): Promise<Article> {
  const original = input.translationOf ? await getArticle(tx, scope, input.translationOf) : null;
  const knowledgeBaseId = original?.knowledgeBaseId ?? (await getKnowledgeBase(tx, scope, input.knowledgeBaseId)).id;
  const values = validated(input);
  await checkCategory(tx, scope, knowledgeBaseId, values.categoryId);
  if (original) await refuseSecondVersion(tx, scope, original.translationGroupId, values.locale, null);
  const id = crypto.randomUUID();
  const [article] = await tx
    .insert(articles)
    .values({
      id,
      tenantId: scope.tenantId,
      knowledgeBaseId,
      translationGroupId: original?.translationGroupId ?? id,
      ...values,
      bodyHtml: renderArticleMarkdown(values.body),
      slug: await freeSlug(tx, scope, values.title, null),
      authorId: scope.userId,
      updatedById: scope.userId,
      publishedAt: values.state === "published" ? new Date() : null,
    })
    .returning();
  if (!article) throw new Error("Article insert returned nothing");
  await recordRevision(tx, scope, article);
  await recordAudit(tx, scope, "article.created", { type: "article", id: article.id }, {
    knowledgeBaseId,
    locale: article.locale,
    state: article.state,
  });
  return article;
}

/** One version per language: a second Polish version of an article is a field error. */
async function refuseSecondVersion(
  tx: Executor,
  scope: TenantScope,
  translationGroupId: string,
  locale: string,
  exceptId: string | null,
): Promise<void> {
  const [other] = await tx
    .select({ id: articles.id })
    .from(articles)
    .where(
      and(
        eq(articles.tenantId, scope.tenantId),
        eq(articles.translationGroupId, translationGroupId),
        eq(articles.locale, locale),
        exceptId ? ne(articles.id, exceptId) : undefined,
      ),
    );
  if (other) throw new RuleError("invalidInput", { locale: ["translationExists"] });
}

/**
 * Saves an article's new text, language, category and state, and keeps the old one in its history.
 * Its slug follows the title until it is first published; after that it stays, so that links to
 * it in sent mail keep working.
 */
export async function updateArticle(tx: Executor, scope: TenantScope, id: string, input: ArticleInput): Promise<Article> {
  const current = await getArticle(tx, scope, id);
  const values = validated(input);
  await checkCategory(tx, scope, current.knowledgeBaseId, values.categoryId);
  if (values.locale !== current.locale) await refuseSecondVersion(tx, scope, current.translationGroupId, values.locale, id);
  const slug =
    current.publishedAt === null && values.title !== current.title ? await freeSlug(tx, scope, values.title, id) : current.slug;
  const [article] = await tx
    .update(articles)
    .set({
      ...values,
      bodyHtml: renderArticleMarkdown(values.body),
      slug,
      updatedById: scope.userId,
      publishedAt: current.publishedAt ?? (values.state === "published" ? new Date() : null),
      updatedAt: new Date(),
    })
    .where(and(eq(articles.tenantId, scope.tenantId), eq(articles.id, id)))
    .returning();
  const saved = found(article, "article");
  await recordRevision(tx, scope, saved);
  await recordAudit(tx, scope, "article.updated", { type: "article", id }, { state: saved.state, locale: saved.locale });
  return saved;
}

/** Publishes, unpublishes (to internal) or takes back to draft, keeping the text. */
export async function setArticleState(tx: Executor, scope: TenantScope, id: string, state: ArticleState): Promise<Article> {
  const current = await getArticle(tx, scope, id);
  return updateArticle(tx, scope, id, {
    title: current.title,
    body: current.body,
    locale: current.locale as (typeof locales)[number],
    categoryId: current.categoryId,
    state,
  });
}

/**
 * Makes an earlier saved version's title and body the article's again. Its state, language and
 * category stay as they are now; the restore is a new version, so the text it replaces stays in
 * the history too.
 */
export async function restoreArticleRevision(tx: Executor, scope: TenantScope, articleId: string, revisionId: string): Promise<Article> {
  const current = await getArticle(tx, scope, articleId);
  const [revision] = await tx
    .select({ title: articleRevisions.title, body: articleRevisions.body })
    .from(articleRevisions)
    .where(
      and(eq(articleRevisions.tenantId, scope.tenantId), eq(articleRevisions.articleId, articleId), eq(articleRevisions.id, revisionId)),
    );
  const restored = found(revision, "articleRevision");
  return updateArticle(tx, scope, articleId, {
    title: restored.title,
    body: restored.body,
    locale: current.locale as (typeof locales)[number],
    categoryId: current.categoryId,
    state: current.state,
  });
}

/** Its author or an administrator deletes an article (one language version), with its history. */
export async function deleteArticle(tx: Executor, scope: TenantScope, id: string): Promise<void> {
  const article = await getArticle(tx, scope, id);
  if (!canManageKnowledgeBases(scope.role) && (scope.userId === null || article.authorId !== scope.userId)) {
    throw new ForbiddenError();
  }
  await tx.delete(articles).where(and(eq(articles.tenantId, scope.tenantId), eq(articles.id, id)));
  await recordAudit(tx, scope, "article.deleted", { type: "article", id }, { title: article.title, locale: article.locale });
}

/** An article's saved versions, newest first, with who saved each. */
export function listArticleRevisions(tx: Executor, scope: TenantScope, articleId: string) {
  return tx
    .select({
      id: articleRevisions.id,
      title: articleRevisions.title,
      body: articleRevisions.body,
      state: articleRevisions.state,
      editorName: users.name,
      createdAt: articleRevisions.createdAt,
    })
    .from(articleRevisions)
    .leftJoin(users, eq(users.id, articleRevisions.editorId))
    .where(and(eq(articleRevisions.tenantId, scope.tenantId), eq(articleRevisions.articleId, articleId)))
    .orderBy(desc(articleRevisions.createdAt), desc(articleRevisions.id));
}

/** The other language versions of an article. */
export function listTranslations(tx: Executor, scope: TenantScope, article: Pick<Article, "id" | "translationGroupId">) {
  return tx
    .select({ id: articles.id, locale: articles.locale, title: articles.title, state: articles.state, slug: articles.slug })
    .from(articles)
    .where(
      and(
        eq(articles.tenantId, scope.tenantId),
        eq(articles.translationGroupId, article.translationGroupId),
        ne(articles.id, article.id),
      ),
    )
    .orderBy(asc(articles.locale));
}

export interface ArticleListFilter {
  knowledgeBaseId: string;
  /** A category's id, `none` for the uncategorised, absent for all. */
  categoryId?: string | "none";
  state?: ArticleState;
  locale?: string;
  /** Words as the ticket search takes them: with or without diacritics, beginnings of words. */
  query?: string;
  limit?: number;
}

const authors = alias(users, "authors");

/**
 * A knowledge base's articles as staff browse them: by category and title, or, with a query, the
 * best matches first (title words weigh more than body words: the document's weights A and B).
 */
export async function listArticles(tx: Executor, scope: TenantScope, filter: ArticleListFilter) {
  const search = parseSearch(filter.query);
  const match = search ? articleMatch(search) : null;
  const query = tx
    .select({
      id: articles.id,
      title: articles.title,
      locale: articles.locale,
      state: articles.state,
      slug: articles.slug,
      categoryId: articles.categoryId,
      categoryName: knowledgeBaseCategories.name,
      authorName: authors.name,
      updatedAt: articles.updatedAt,
      translationGroupId: articles.translationGroupId,
    })
    .from(articles)
    .leftJoin(
      knowledgeBaseCategories,
      and(eq(knowledgeBaseCategories.tenantId, articles.tenantId), eq(knowledgeBaseCategories.id, articles.categoryId)),
    )
    .leftJoin(authors, eq(authors.id, articles.authorId))
    .where(
      and(
        eq(articles.tenantId, scope.tenantId),
        eq(articles.knowledgeBaseId, filter.knowledgeBaseId),
        filter.categoryId === "none"
          ? sql`${articles.categoryId} is null`
          : filter.categoryId
            ? eq(articles.categoryId, filter.categoryId)
            : undefined,
        filter.state ? eq(articles.state, filter.state) : undefined,
        filter.locale ? eq(articles.locale, filter.locale) : undefined,
        match?.where,
      ),
    )
    .orderBy(
      ...(match
        ? [desc(match.rank), desc(articles.updatedAt)]
        : [asc(sql`coalesce(${knowledgeBaseCategories.position}, 2147483647)`), asc(articles.title)]),
    )
    .limit(filter.limit ?? 200);
  return query;
}
