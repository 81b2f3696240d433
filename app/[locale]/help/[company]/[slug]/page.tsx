import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { getFormatter, getTranslations } from "next-intl/server";
import { cache } from "react";
import { Icon } from "@/app/_components/icons";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { helpCenterArticlePath, helpCenterPath } from "@/lib/app-url";
import { articleText } from "@/lib/knowledge/article-text";
import { helpCenterArticle } from "@/lib/knowledge/help-center";
import { ArticleList } from "../article-list";
import { helpCenterRequest } from "../help-center-request";
import { SearchBox } from "../search-box";

interface Props {
  params: Promise<{ locale: string; company: string; slug: string }>;
}

/** The article of this address, read once per request for the metadata and the page. */
const articleOf = cache(async (company: string, slug: string, locale: string) => {
  const { read } = await helpCenterRequest(company);
  const article = await read((tx, tenantId) => helpCenterArticle(tx, tenantId, slug, locale));
  if (!article) notFound();
  return article;
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { locale: asked, company, slug } = await params;
  const locale = setPageLocale(asked);
  const { helpCenter } = await helpCenterRequest(company);
  const article = await articleOf(company, slug, locale);
  const t = await getTranslations({ locale, namespace: "helpCenter" });
  return {
    title: { absolute: `${article.title} · ${t("metaTitle", { company: helpCenter.name })}` },
    description: articleText(article.bodyHtml).slice(0, 160),
    robots: { index: true, follow: true },
  };
}

/**
 * One published article of the help center. Its body is the HTML rendered and sanitized when it was
 * saved (lib/knowledge/markdown.ts), served as is: nothing in it can run, and were anything to slip
 * past the sanitizer, the page's policy (proxy.ts) runs no script without this response's nonce,
 * no inline handler and no `javascript:` link. Its images come from this origin (/api/kb/images/…).
 */
export default async function HelpCenterArticlePage({ params }: Props) {
  const { locale: asked, company, slug } = await params;
  const locale = setPageLocale(asked);
  const { helpCenter } = await helpCenterRequest(company);
  const article = await articleOf(company, slug, locale);
  // The language switch keeps the address: the visitor's language's version has an address of its own.
  if (article.visitorVersionSlug) redirect(helpCenterArticlePath(locale, helpCenter.slug, article.visitorVersionSlug));
  const t = await getTranslations("helpCenter");
  const tLanguage = await getTranslations("language");
  const format = await getFormatter();
  const home = helpCenterPath(locale, helpCenter.slug);
  const articleLocale = article.locale === "pl" ? "pl" : "en";

  return (
    <>
      <div className="border-b border-zinc-200 bg-zinc-50">
        <div className="mx-auto flex max-w-5xl flex-col gap-3 px-4 py-4 sm:flex-row sm:items-center sm:justify-between sm:px-6">
          <nav aria-label={t("breadcrumb")} className="flex min-w-0 items-center gap-1.5 text-sm text-zinc-500">
            <a href={home} className="shrink-0 font-medium text-brand-700 hover:text-brand-900">
              {t("title")}
            </a>
            {article.categoryId && article.categoryName && (
              <>
                <Icon name="chevronRight" className="size-4 shrink-0 text-zinc-400" />
                <a href={`${home}?category=${article.categoryId}`} className="truncate hover:text-zinc-800">
                  {article.categoryName}
                </a>
              </>
            )}
          </nav>
          <div className="sm:w-80">
            <SearchBox action={home} />
          </div>
        </div>
      </div>
      <main className="mx-auto grid max-w-5xl gap-12 px-4 py-10 sm:px-6 lg:grid-cols-[minmax(0,1fr)_16rem]">
        <div className="min-w-0">
          <article lang={article.locale}>
            <h1 className="text-3xl font-semibold tracking-tight text-balance text-zinc-900">{article.title}</h1>
            <p className="mt-3 flex items-center gap-1.5 text-sm text-zinc-500" lang={locale}>
              <Icon name="clock" className="size-4" />
              {t("updated", { date: format.dateTime(article.updatedAt, "date") })}
            </p>
            {article.locale !== locale && (
              <p
                lang={locale}
                className="mt-5 flex items-start gap-2 rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-200 ring-inset"
              >
                <Icon name="language" className="mt-0.5 size-4 shrink-0 text-amber-600" />
                {t(`onlyInNotice.${articleLocale}`)}
              </p>
            )}
            <div className="article-body mt-8" dangerouslySetInnerHTML={{ __html: article.bodyHtml }} />
          </article>
          {article.versions.length > 0 && (
            <aside className="mt-12 border-t border-zinc-200 pt-6 text-sm text-zinc-600">
              <p className="font-medium text-zinc-800">{t("otherVersions")}</p>
              <ul className="mt-2 space-y-1">
                {article.versions.map((version) => (
                  <li key={version.slug}>
                    <a
                      href={helpCenterArticlePath(version.locale, helpCenter.slug, version.slug)}
                      hrefLang={version.locale}
                      lang={version.locale}
                      className="inline-flex items-center gap-2 font-medium text-brand-700 hover:text-brand-900"
                    >
                      <Icon name="language" className="size-4" />
                      {version.title}
                      <span className="text-xs text-zinc-500">({tLanguage(`name.${version.locale === "pl" ? "pl" : "en"}`)})</span>
                    </a>
                  </li>
                ))}
              </ul>
            </aside>
          )}
        </div>
        {article.related.length > 0 && (
          <aside className="lg:border-l lg:border-zinc-200 lg:pl-8">
            <h2 className="text-sm font-semibold tracking-wide text-zinc-500 uppercase">{t("inThisCategory")}</h2>
            <div className="mt-3">
              <ArticleList articles={article.related} locale={locale} companySlug={helpCenter.slug} />
            </div>
          </aside>
        )}
      </main>
    </>
  );
}
