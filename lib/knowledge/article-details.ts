import { and, eq, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Executor } from "@/db/client";
import { articles, knowledgeBaseCategories, users } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";
import { found } from "@/lib/errors";
import { publicArticle } from "./public";

const authors = alias(users, "authors");
const editors = alias(users, "editors");

/**
 * An article as its page shows it to staff: with who wrote and last changed it, its category, and
 * whether the public help center shows it (published, in a knowledge base a division names for it).
 */
export async function getArticleDetails(tx: Executor, scope: TenantScope, id: string) {
  const [row] = await tx
    .select({
      article: articles,
      authorName: authors.name,
      updatedByName: editors.name,
      categoryName: knowledgeBaseCategories.name,
      inHelpCenter: sql<boolean>`${publicArticle(scope.tenantId)}`,
    })
    .from(articles)
    .leftJoin(authors, eq(authors.id, articles.authorId))
    .leftJoin(editors, eq(editors.id, articles.updatedById))
    .leftJoin(
      knowledgeBaseCategories,
      and(eq(knowledgeBaseCategories.tenantId, articles.tenantId), eq(knowledgeBaseCategories.id, articles.categoryId)),
    )
    .where(and(eq(articles.tenantId, scope.tenantId), eq(articles.id, id)));
  return found(row, "article");
}
