import { getTranslations } from "next-intl/server";
import { Icon } from "@/app/_components/icons";
import { helpCenterArticlePath } from "@/lib/app-url";
import type { HelpCenterArticleLink } from "@/lib/knowledge/help-center";

/** Article titles as links, each marked when it is in the other language only. */
export async function ArticleList({
  articles,
  locale,
  companySlug,
}: {
  articles: HelpCenterArticleLink[];
  locale: string;
  companySlug: string;
}) {
  const t = await getTranslations("helpCenter");
  return (
    <ul className="space-y-1">
      {articles.map((article) => (
        <li key={article.slug}>
          <a
            href={helpCenterArticlePath(locale, companySlug, article.slug)}
            className="group -mx-2 flex items-start gap-2 rounded-md px-2 py-1.5 text-[15px] leading-6 text-zinc-700 hover:bg-brand-50 hover:text-brand-800"
          >
            <Icon name="book" className="mt-1 size-4 shrink-0 text-zinc-400 group-hover:text-brand-500" />
            <span className="min-w-0">
              <span lang={article.locale}>{article.title}</span>
              {article.otherLanguage && <OnlyIn locale={article.locale} label={t(`onlyIn.${article.locale === "pl" ? "pl" : "en"}`)} />}
            </span>
          </a>
        </li>
      ))}
    </ul>
  );
}

export function OnlyIn({ locale, label }: { locale: string; label: string }) {
  return (
    <span
      data-only-in={locale}
      className="ml-2 inline-flex items-center rounded-md bg-zinc-100 px-1.5 py-0.5 align-middle text-[11px] font-medium text-zinc-600 ring-1 ring-zinc-200 ring-inset"
    >
      {label}
    </span>
  );
}
