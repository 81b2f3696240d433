import { and, eq, inArray, isNotNull, type SQL, sql } from "drizzle-orm";
import { articles, divisions } from "@/db/schema";

/**
 * What the public may see of a company's knowledge: its published articles in the knowledge bases
 * its divisions name as their default (seed: "available to your end users"). Internal and draft
 * articles, and knowledge bases no division names so, stay the staff's. The one statement of that
 * rule: the help center's pages and the image route both filter by it.
 */
export function publicArticle(tenantId: string): SQL {
  return and(
    eq(articles.tenantId, tenantId),
    eq(articles.state, "published"),
    inArray(
      articles.knowledgeBaseId,
      sql`(select ${divisions.defaultKnowledgeBaseId} from ${divisions} where ${and(
        eq(divisions.tenantId, tenantId),
        isNotNull(divisions.defaultKnowledgeBaseId),
      )})`,
    ),
  )!;
}
