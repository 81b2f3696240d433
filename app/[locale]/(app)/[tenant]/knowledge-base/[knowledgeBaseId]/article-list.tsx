import { useFormatter, useTranslations } from "next-intl";
import { buttonClasses } from "@/app/_components/button";
import { Card, CardHeader } from "@/app/_components/card";
import { EmptyState } from "@/app/_components/empty-state";
import { Icon } from "@/app/_components/icons";
import { Link } from "@/lib/i18n/navigation";
import type { listArticles } from "@/lib/knowledge/articles";
import { LocaleBadge, StateBadge } from "../article-badges";

type ArticleRow = Awaited<ReturnType<typeof listArticles>>[number];

/** A knowledge base's articles as a table: title and category, language and state, last change and author. */
export function ArticleList({
  path,
  articles,
  query,
  filtered,
  mayWrite,
}: {
  path: string;
  articles: ArticleRow[];
  query?: string;
  filtered: boolean;
  mayWrite: boolean;
}) {
  const t = useTranslations("knowledgeBase");
  const format = useFormatter();
  if (articles.length === 0) {
    return filtered ? (
      <EmptyState icon="search" title={t("list.noMatchTitle")} description={t("list.noMatchDescription")} />
    ) : (
      <EmptyState icon="book" title={t("list.emptyTitle")} description={t("list.emptyDescription")}>
        {mayWrite && (
          <Link href={`${path}/articles/new`} className={buttonClasses("primary")}>
            <Icon name="plus" className="size-4" />
            {t("list.newArticle")}
          </Link>
        )}
      </EmptyState>
    );
  }
  return (
    <Card>
      <CardHeader
        title={query ? t("list.found", { count: articles.length, query }) : t("list.count", { count: articles.length })}
      />
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" data-article-list>
          <thead className="border-b border-zinc-100 text-xs font-medium text-zinc-500">
            <tr>
              <th scope="col" className="px-5 py-2.5 font-medium sm:px-6">
                {t("list.title")}
              </th>
              <th scope="col" className="px-3 py-2.5 font-medium">
                {t("list.language")} · {t("list.state")}
              </th>
              <th scope="col" className="px-5 py-2.5 text-right font-medium sm:px-6">
                {t("list.updated")}
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {articles.map((article) => (
              <tr key={article.id} data-article={article.title} className="hover:bg-zinc-50">
                <td className="w-full min-w-48 px-5 py-3 sm:px-6">
                  <Link href={`${path}/articles/${article.id}`} className="block font-medium text-pretty text-zinc-900 hover:text-brand-700">
                    {article.title}
                  </Link>
                  <span className="mt-0.5 block text-xs text-zinc-500">{article.categoryName ?? t("categories.uncategorized")}</span>
                </td>
                <td className="px-3 py-3">
                  <span className="flex items-center gap-1.5">
                    <LocaleBadge locale={article.locale} />
                    <StateBadge state={article.state} />
                  </span>
                </td>
                <td className="px-5 py-3 text-right whitespace-nowrap sm:px-6">
                  <span className="block text-zinc-700">{format.dateTime(article.updatedAt, "date")}</span>
                  <span className="mt-0.5 block text-xs text-zinc-500">
                    <span className="sr-only">{t("list.author")}: </span>
                    {article.authorName ?? t("list.noAuthor")}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
