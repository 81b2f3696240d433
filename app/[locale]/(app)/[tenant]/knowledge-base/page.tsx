import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Card } from "@/app/_components/card";
import { EmptyState } from "@/app/_components/empty-state";
import { Icon } from "@/app/_components/icons";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { scopeOf } from "@/lib/auth/context";
import { tenantRequest } from "@/lib/auth/request";
import { canManageKnowledgeBases } from "@/lib/auth/roles";
import { Link, redirect } from "@/lib/i18n/navigation";
import { listKnowledgeBases } from "@/lib/knowledge/knowledge-bases";
import { createKnowledgeBaseAction } from "./actions";
import { NewKnowledgeBase } from "./new-knowledge-base";

interface Props {
  params: Promise<{ locale: string; tenant: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "knowledgeBase" });
  return { title: t("title") };
}

/**
 * The company's knowledge bases with how many articles each holds. A member who cannot add one goes
 * straight into the only one there is; administrators always see the list, to add another.
 */
export default async function KnowledgeBasesPage({ params }: Props) {
  const { tenant } = await params;
  const locale = setPageLocale((await params).locale);
  const { ctx, run } = await tenantRequest(tenant);
  const knowledgeBases = await run((tx) => listKnowledgeBases(tx, scopeOf(ctx)));
  const mayManage = canManageKnowledgeBases(ctx.role);
  const slug = ctx.tenant.slug;
  if (knowledgeBases.length === 1 && !mayManage) {
    return redirect({ href: `/${slug}/knowledge-base/${knowledgeBases[0]!.id}`, locale });
  }
  const t = await getTranslations("knowledgeBase");
  const create = mayManage && <NewKnowledgeBase tenant={slug} action={createKnowledgeBaseAction.bind(null, slug)} />;

  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      {knowledgeBases.length === 0 ? (
        <EmptyState icon="book" title={t("index.emptyTitle")} description={mayManage ? t("index.emptyAdmin") : t("index.emptyMember")}>
          {create}
        </EmptyState>
      ) : (
        <div className="space-y-6">
          <ul className="grid gap-4 sm:grid-cols-2">
            {knowledgeBases.map((kb) => (
              <li key={kb.id} data-knowledge-base={kb.name}>
                <Link href={`/${slug}/knowledge-base/${kb.id}`} className="group block h-full">
                  <Card className="flex h-full flex-col p-5 transition-shadow group-hover:border-brand-200 group-hover:shadow-md">
                    <div className="flex items-start gap-3">
                      <span className="grid size-10 shrink-0 place-items-center rounded-lg bg-brand-50 text-brand-600">
                        <Icon name="book" className="size-5" />
                      </span>
                      <div className="min-w-0 flex-1">
                        <h2 className="truncate text-base font-semibold text-zinc-900 group-hover:text-brand-700">{kb.name}</h2>
                        <p className="mt-1 line-clamp-2 text-sm text-zinc-500">{kb.description || t("index.noDescription")}</p>
                      </div>
                      <Icon name="chevronRight" className="mt-1 size-4 shrink-0 text-zinc-400 group-hover:text-brand-600" />
                    </div>
                    <p className="mt-4 flex flex-wrap gap-x-3 gap-y-1 border-t border-zinc-100 pt-3 text-sm text-zinc-600">
                      <span data-article-count={kb.articleCount}>{t("index.articles", { count: kb.articleCount })}</span>
                      <span aria-hidden="true" className="text-zinc-300">
                        ·
                      </span>
                      <span data-published-count={kb.publishedCount} className={kb.publishedCount > 0 ? "text-emerald-700" : undefined}>
                        {t("index.published", { count: kb.publishedCount })}
                      </span>
                    </p>
                  </Card>
                </Link>
              </li>
            ))}
          </ul>
          {create}
        </div>
      )}
    </>
  );
}
