"use client";

import { useTranslations } from "next-intl";
import { buttonClasses } from "@/app/_components/button";
import { inputClasses } from "@/app/_components/form";
import { Icon } from "@/app/_components/icons";
import { locales } from "@/lib/i18n/routing";
import { Link } from "@/lib/i18n/navigation";
import type { ArticleListFilter } from "@/lib/knowledge/articles";

const STATES = ["draft", "internal", "published"] as const;

/**
 * The search box and the filters of a knowledge base's articles: a plain GET form, so the address
 * says what is shown. Choosing a filter applies it at once; the words wait for Search (or Enter).
 */
export function ArticleFilters({
  locale,
  path,
  filter,
  categories,
}: {
  locale: string;
  path: string;
  filter: ArticleListFilter;
  categories: { id: string; name: string }[];
}) {
  const t = useTranslations("knowledgeBase");
  const select = `${inputClasses()} pr-8`;
  const active = Boolean(filter.query || filter.categoryId || filter.state || filter.locale);
  return (
    <form
      role="search"
      action={`/${locale}${path}`}
      onChange={(event) => {
        if (event.target instanceof HTMLSelectElement) event.currentTarget.requestSubmit();
      }}
      className="space-y-3 rounded-xl border border-zinc-200 bg-white p-4 shadow-xs">
      <div className="flex flex-wrap gap-2">
        <div className="relative min-w-0 flex-1 basis-60">
          <Icon name="search" className="pointer-events-none absolute top-2.5 left-3 size-4.5 text-zinc-400" />
          <label htmlFor="article-search" className="sr-only">
            {t("list.searchLabel")}
          </label>
          <input
            id="article-search"
            type="search"
            name="q"
            defaultValue={filter.query ?? ""}
            placeholder={t("list.searchPlaceholder")}
            className={`${inputClasses()} pl-9`}
          />
        </div>
        <button type="submit" className={buttonClasses("primary")}>
          {t("list.search")}
        </button>
        {active && (
          <Link href={path} className={buttonClasses("ghost")}>
            {t("list.clear")}
          </Link>
        )}
      </div>
      <div className="grid gap-2 sm:grid-cols-3">
        <label className="space-y-1 text-xs font-medium text-zinc-600">
          <span>{t("list.category")}</span>
          <select name="category" defaultValue={filter.categoryId ?? ""} className={select}>
            <option value="">{t("categories.all")}</option>
            {categories.map((category) => (
              <option key={category.id} value={category.id}>
                {category.name}
              </option>
            ))}
            <option value="none">{t("categories.uncategorized")}</option>
          </select>
        </label>
        <label className="space-y-1 text-xs font-medium text-zinc-600">
          <span>{t("list.state")}</span>
          <select name="state" defaultValue={filter.state ?? ""} className={select}>
            <option value="">{t("list.any")}</option>
            {STATES.map((state) => (
              <option key={state} value={state}>
                {t(`states.${state}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="space-y-1 text-xs font-medium text-zinc-600">
          <span>{t("list.language")}</span>
          <select name="language" defaultValue={filter.locale ?? ""} className={select}>
            <option value="">{t("list.any")}</option>
            {locales.map((code) => (
              <option key={code} value={code}>
                {t(`locales.${code}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
    </form>
  );
}
