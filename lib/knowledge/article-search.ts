import { or, type SQL, sql } from "drizzle-orm";
import { articles } from "@/db/schema";
import { type ParsedSearch, partPattern, wordsQuery } from "@/lib/tickets/queue-search";

/**
 * How an article matches a search, for the staff's list (articles.ts) and the public help center
 * (help-center.ts) alike: every word in its document (an English stem or the start of one, without
 * diacritics, as the ticket search takes words), or the whole query inside its title (for the middle
 * of a word). Title words weigh more than body words in the rank: the document's weights A and B.
 */
export interface ArticleMatch {
  where: SQL;
  rank: SQL<number>;
}

export function articleMatch(search: ParsedSearch): ArticleMatch {
  const words = wordsQuery(search);
  const titlePart = partPattern(search);
  const matches: SQL[] = [];
  if (words) matches.push(sql`${articles.document} @@ ${words}`);
  if (titlePart) matches.push(sql`postdesk_fold(${articles.title}) like postdesk_fold(${titlePart})`);
  return {
    where: or(...matches) ?? sql`false`,
    rank: words ? sql<number>`ts_rank(${articles.document}, ${words})` : sql<number>`0`,
  };
}
