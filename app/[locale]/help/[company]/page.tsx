import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { EmptyState } from "@/app/_components/empty-state";
import { Icon } from "@/app/_components/icons";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { helpCenterArticlePath, helpCenterPath } from "@/lib/app-url";
import {
  type HelpCenterCategory,
  type HelpCenterSearchResult,
  helpCenterHome,
  searchHelpCenter,
} from "@/lib/knowledge/help-center";
import { ArticleList, OnlyIn } from "./article-list";
import { helpCenterRequest } from "./help-center-request";
import { SearchBox } from "./search-box";

interface Props {
  params: Promise<{ locale: string; company: string }>;
  searchParams: Promise<{ q?: string | string[]; category?: string | string[] }>;
}

/** How many titles a category shows on the home page before "Show all". */
const TITLES_PER_CATEGORY = 6;

function one(value: string | string[] | undefined): string | undefined {
  return (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
}

export async function generateMetadata({ params, searchParams }: Props): Promise<Metadata> {
  const { locale: asked, company } = await params;
  const locale = setPageLocale(asked);
  const { helpCenter } = await helpCenterRequest(company);
  const t = await getTranslations({ locale, namespace: "helpCenter" });
  const { q, category } = await searchParams;
  // The home page is for search engines; a search's results and a category's list are the same articles again.
  const listing = one(q) === undefined && one(category) === undefined;
  return {
    // The company's pages, not Postdesk's: without the product's name the layout's template adds.
    title: { absolute: t("metaTitle", { company: helpCenter.name }) },
    robots: { index: listing, follow: true },
  };
}

/**
 * A company's public help center (lib/knowledge/help-center.ts): its categories with their
 * articles, the newest ones, a search (`?q=`), and one category's whole list (`?category=`). No
 * sign-in; in the address's language, each article in the other language where it has no version
 * in this one.
 */
export default async function HelpCenterPage({ params, searchParams }: Props) {
  const { locale: asked, company } = await params;
  const locale = setPageLocale(asked);
  const { helpCenter, read } = await helpCenterRequest(company);
  const t = await getTranslations("helpCenter");
  const { q, category } = await searchParams;
  const query = one(q);
  const categoryId = one(category);
  const home = helpCenterPath(locale, helpCenter.slug);

  if (query !== undefined) {
    const results = await read((tx, tenantId) => searchHelpCenter(tx, tenantId, locale, query));
    return (
      <>
        <Hero action={home} query={query} compact />
        <main className="mx-auto max-w-3xl px-4 py-10 sm:px-6">
          <p className="mb-6 text-sm text-zinc-500">
            <a href={home} className="inline-flex items-center gap-1 font-medium text-brand-700 hover:text-brand-900">
              <Icon name="arrowLeft" className="size-4" />
              {t("allArticles")}
            </a>
          </p>
          {results.length === 0 ? (
            <EmptyState icon="search" title={t("noResults", { query })} description={t("noResultsHelp")} />
          ) : (
            <>
              <h1 className="text-xl font-semibold text-zinc-900">{t("results", { count: results.length, query })}</h1>
              <ol className="mt-6 divide-y divide-zinc-200 border-y border-zinc-200">
                {results.map((result) => (
                  <SearchResult key={result.slug} result={result} locale={locale} companySlug={helpCenter.slug} />
                ))}
              </ol>
            </>
          )}
        </main>
      </>
    );
  }

  const data = await read((tx, tenantId) => helpCenterHome(tx, tenantId, locale));
  const chosen =
    categoryId === undefined
      ? null
      : (data.categories.find((c) => c.id === categoryId) ??
        (categoryId === "none" && data.uncategorised.length > 0
          ? { id: "none", name: t("uncategorised"), articles: data.uncategorised }
          : null));

  if (chosen) {
    return (
      <>
        <Hero action={home} compact />
        <main className="mx-auto max-w-3xl px-4 py-10 sm:px-6">
          <nav aria-label={t("breadcrumb")} className="mb-4 flex items-center gap-1.5 text-sm text-zinc-500">
            <a href={home} className="font-medium text-brand-700 hover:text-brand-900">
              {t("title")}
            </a>
            <Icon name="chevronRight" className="size-4 text-zinc-400" />
            <span aria-current="page">{chosen.name}</span>
          </nav>
          <h1 className="text-2xl font-semibold tracking-tight text-zinc-900">{chosen.name}</h1>
          <p className="mt-1 text-sm text-zinc-500">{t("articleCount", { count: chosen.articles.length })}</p>
          <div className="mt-6">
            <ArticleList articles={chosen.articles} locale={locale} companySlug={helpCenter.slug} />
          </div>
        </main>
      </>
    );
  }

  const sections: HelpCenterCategory[] = [
    ...data.categories,
    ...(data.uncategorised.length > 0 ? [{ id: "none", name: t("uncategorised"), articles: data.uncategorised }] : []),
  ];
  return (
    <>
      <Hero action={home} />
      <main className="mx-auto max-w-5xl px-4 py-12 sm:px-6">
        {data.total === 0 ? (
          <EmptyState icon="book" title={t("emptyTitle")} description={t("emptyDescription")} />
        ) : (
          <div className="grid gap-10 lg:grid-cols-[1fr_18rem]">
            <div className="grid content-start gap-6 sm:grid-cols-2">
              {sections.map((section) => (
                <section key={section.id} className="rounded-2xl border border-zinc-200 p-5 shadow-xs">
                  <h2 className="text-base font-semibold text-zinc-900">
                    <a href={`${home}?category=${section.id}`} className="hover:text-brand-700">
                      {section.name}
                    </a>
                  </h2>
                  <p className="mt-0.5 mb-3 text-xs text-zinc-500">{t("articleCount", { count: section.articles.length })}</p>
                  <ArticleList articles={section.articles.slice(0, TITLES_PER_CATEGORY)} locale={locale} companySlug={helpCenter.slug} />
                  {section.articles.length > TITLES_PER_CATEGORY && (
                    <a
                      href={`${home}?category=${section.id}`}
                      className="mt-3 inline-flex items-center gap-1 text-sm font-medium text-brand-700 hover:text-brand-900"
                    >
                      {t("showAll", { count: section.articles.length })}
                      <Icon name="chevronRight" className="size-4" />
                    </a>
                  )}
                </section>
              ))}
            </div>
            <aside>
              <h2 className="text-sm font-semibold tracking-wide text-zinc-500 uppercase">{t("newest")}</h2>
              <div className="mt-3">
                <ArticleList articles={data.newest} locale={locale} companySlug={helpCenter.slug} />
              </div>
            </aside>
          </div>
        )}
      </main>
    </>
  );
}

async function Hero({ action, query, compact = false }: { action: string; query?: string; compact?: boolean }) {
  const t = await getTranslations("helpCenter");
  return (
    <div className="border-b border-brand-100 bg-gradient-to-b from-brand-50 to-white">
      <div className={`mx-auto max-w-2xl px-4 text-center sm:px-6 ${compact ? "py-6" : "py-14"}`}>
        {!compact && <h1 className="mb-5 text-3xl font-semibold tracking-tight text-zinc-900 sm:text-4xl">{t("heading")}</h1>}
        <SearchBox action={action} query={query} large={!compact} />
      </div>
    </div>
  );
}

async function SearchResult({ result, locale, companySlug }: { result: HelpCenterSearchResult; locale: string; companySlug: string }) {
  const t = await getTranslations("helpCenter");
  return (
    <li className="py-5">
      <a href={helpCenterArticlePath(locale, companySlug, result.slug)} className="group block">
        <h2 className="text-base font-semibold text-brand-700 group-hover:text-brand-900 group-hover:underline">
          <span lang={result.locale}>{result.title}</span>
          {result.otherLanguage && <OnlyIn locale={result.locale} label={t(`onlyIn.${result.locale === "pl" ? "pl" : "en"}`)} />}
        </h2>
        {result.categoryName && <p className="mt-0.5 text-xs font-medium text-zinc-500">{result.categoryName}</p>}
        <p className="mt-1.5 text-sm leading-6 text-zinc-600" lang={result.locale}>
          <Marked snippet={result.snippet} />
        </p>
      </a>
    </li>
  );
}

/** The snippet's text with the found words in <mark>: text nodes only, nothing of the article's HTML. */
function Marked({ snippet }: { snippet: HelpCenterSearchResult["snippet"] }) {
  const parts: ReactNode[] = [];
  let at = 0;
  for (const [start, end] of snippet.marks) {
    parts.push(snippet.text.slice(at, start));
    parts.push(
      <mark key={start} className="rounded-sm bg-amber-100 px-0.5 text-zinc-900">
        {snippet.text.slice(start, end)}
      </mark>,
    );
    at = end;
  }
  parts.push(snippet.text.slice(at));
  return <>{parts}</>;
}
