import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { buttonClasses } from "@/app/_components/button";
import { Icon } from "@/app/_components/icons";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { articleStateEnum } from "@/db/schema";
import { scopeOf } from "@/lib/auth/context";
import { tenantRequest } from "@/lib/auth/request";
import { canManageKnowledgeBases, isReadOnly } from "@/lib/auth/roles";
import { isLocale } from "@/lib/i18n/routing";
import { Link } from "@/lib/i18n/navigation";
import { listArticles, type ArticleListFilter } from "@/lib/knowledge/articles";
import { getKnowledgeBase, listCategories } from "@/lib/knowledge/knowledge-bases";
import { readOrNotFound } from "../../read-or-not-found";
import {
  createCategoryAction,
  deleteCategoryAction,
  deleteKnowledgeBaseAction,
  moveCategoryAction,
  renameCategoryAction,
  updateKnowledgeBaseAction,
} from "../actions";
import { KnowledgeBaseBreadcrumb } from "../breadcrumb";
import { ArticleFilters } from "./article-filters";
import { ArticleList } from "./article-list";
import { Categories } from "./categories";
import { KnowledgeBaseSettings } from "./knowledge-base-settings";

type SearchParam = string | string[] | undefined;

interface Props {
  params: Promise<{ locale: string; tenant: string; knowledgeBaseId: string }>;
  searchParams: Promise<{ q?: SearchParam; category?: SearchParam; state?: SearchParam; language?: SearchParam }>;
}

function first(value: SearchParam): string {
  return ((Array.isArray(value) ? value[0] : value) ?? "").trim();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The list's filters from the address; a value that names nothing is no filter. */
function filterOf(knowledgeBaseId: string, query: Awaited<Props["searchParams"]>): ArticleListFilter {
  const category = first(query.category);
  const state = first(query.state);
  const language = first(query.language);
  return {
    knowledgeBaseId,
    query: first(query.q) || undefined,
    categoryId: category === "none" || UUID.test(category) ? category : undefined,
    state: (articleStateEnum.enumValues as readonly string[]).includes(state) ? (state as ArticleListFilter["state"]) : undefined,
    locale: isLocale(language) ? language : undefined,
  };
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "knowledgeBase" });
  return { title: t("title") };
}

/** One knowledge base: its categories, and its articles to search and filter (`?q=`, `?category=`, `?state=`, `?language=`). */
export default async function KnowledgeBasePage({ params, searchParams }: Props) {
  const { locale, tenant, knowledgeBaseId } = await params;
  setPageLocale(locale);
  const { ctx, run } = await tenantRequest(tenant);
  const filter = filterOf(knowledgeBaseId, await searchParams);
  const { kb, categories, articles } = await readOrNotFound(run, [knowledgeBaseId], async (tx) => {
    const scope = scopeOf(ctx);
    const kb = await getKnowledgeBase(tx, scope, knowledgeBaseId);
    return { kb, categories: await listCategories(tx, scope, kb.id), articles: await listArticles(tx, scope, filter) };
  });
  const t = await getTranslations("knowledgeBase");
  const slug = ctx.tenant.slug;
  const mayWrite = !isReadOnly(ctx.role);
  const mayManage = canManageKnowledgeBases(ctx.role);
  const path = `/${slug}/knowledge-base/${kb.id}`;
  const filtered = Boolean(filter.query || filter.categoryId || filter.state || filter.locale);

  return (
    <>
      <PageHeader
        eyebrow={<KnowledgeBaseBreadcrumb tenant={slug} trail={[{ label: kb.name }]} />}
        title={kb.name}
        description={kb.description || undefined}
        actions={
          mayWrite && (
            <Link href={`${path}/articles/new`} className={buttonClasses("primary")}>
              <Icon name="plus" className="size-4" />
              {t("list.newArticle")}
            </Link>
          )
        }
      />
      <div className="grid gap-6 lg:grid-cols-[13rem_minmax(0,1fr)]">
        <aside className="space-y-4">
          <Categories
            path={path}
            categories={categories.map(({ id, name }) => ({ id, name }))}
            selected={filter.categoryId ?? null}
            knowledgeBaseId={kb.id}
            mayManage={mayManage}
            createAction={createCategoryAction.bind(null, slug)}
            renameAction={renameCategoryAction.bind(null, slug)}
            moveAction={moveCategoryAction.bind(null, slug)}
            deleteAction={deleteCategoryAction.bind(null, slug)}
          />
          {mayManage && (
            <KnowledgeBaseSettings
              knowledgeBase={{ id: kb.id, name: kb.name, description: kb.description }}
              listHref={`/${slug}/knowledge-base`}
              updateAction={updateKnowledgeBaseAction.bind(null, slug)}
              deleteAction={deleteKnowledgeBaseAction.bind(null, slug)}
            />
          )}
        </aside>
        <div className="min-w-0 space-y-4">
          <ArticleFilters locale={locale} path={path} filter={filter} categories={categories.map(({ id, name }) => ({ id, name }))} />
          <ArticleList path={path} articles={articles} query={filter.query} filtered={filtered} mayWrite={mayWrite} />
        </div>
      </div>
    </>
  );
}
