import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { notFound } from "next/navigation";
import { buttonClasses } from "@/app/_components/button";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { scopeOf } from "@/lib/auth/context";
import { tenantRequest } from "@/lib/auth/request";
import { isReadOnly } from "@/lib/auth/roles";
import { Link } from "@/lib/i18n/navigation";
import { getArticle } from "@/lib/knowledge/articles";
import { getKnowledgeBase, listCategories } from "@/lib/knowledge/knowledge-bases";
import { readOrNotFound } from "../../../../read-or-not-found";
import { KnowledgeBaseBreadcrumb } from "../../../breadcrumb";
import { createArticleAction, previewArticleAction, uploadImageAction } from "../actions";
import { ArticleEditor } from "../article-editor";

type SearchParam = string | string[] | undefined;

interface Props {
  params: Promise<{ locale: string; tenant: string; knowledgeBaseId: string }>;
  searchParams: Promise<{ translationOf?: SearchParam; language?: SearchParam }>;
}

function first(value: SearchParam): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "knowledgeBase.editor" });
  return { title: t("newTitle") };
}

/**
 * A new article, or (`?translationOf=<id>&language=en`) another language version of one: that one
 * starts from the original's text, category and state (as a draft), to translate in place.
 */
export default async function NewArticlePage({ params, searchParams }: Props) {
  const { locale, tenant, knowledgeBaseId } = await params;
  setPageLocale(locale);
  const { ctx, run } = await tenantRequest(tenant);
  if (isReadOnly(ctx.role)) notFound();
  const query = await searchParams;
  const translationOf = first(query.translationOf);
  const { kb, categories, original } = await readOrNotFound(run, [knowledgeBaseId, ...(translationOf ? [translationOf] : [])], async (tx) => {
    const scope = scopeOf(ctx);
    const kb = await getKnowledgeBase(tx, scope, knowledgeBaseId);
    const original = translationOf ? await getArticle(tx, scope, translationOf) : null;
    return { kb, categories: await listCategories(tx, scope, kb.id), original };
  });
  if (original && original.knowledgeBaseId !== kb.id) notFound();
  const t = await getTranslations("knowledgeBase");
  const slug = ctx.tenant.slug;
  const path = `/${slug}/knowledge-base/${kb.id}`;
  const otherLocale = original?.locale === "pl" ? "en" : "pl";
  const language = first(query.language) === "en" || first(query.language) === "pl" ? (first(query.language) as "en" | "pl") : otherLocale;
  const title = original ? t("editor.newVersionTitle", { title: original.title }) : t("editor.newTitle");

  return (
    <>
      <PageHeader
        eyebrow={<KnowledgeBaseBreadcrumb tenant={slug} trail={[{ href: path, label: kb.name }, { label: t("editor.newTitle") }]} />}
        title={title}
        actions={
          <Link href={original ? `${path}/articles/${original.id}` : path} className={buttonClasses("ghost")}>
            {t("editor.cancel")}
          </Link>
        }
      />
      <ArticleEditor
        articlesPath={`${path}/articles`}
        knowledgeBaseId={kb.id}
        hidden={{ knowledgeBaseId: kb.id, ...(original ? { translationOf: original.id } : {}) }}
        initial={
          original
            ? { title: original.title, body: original.body, locale: language, state: "draft", categoryId: original.categoryId }
            : { title: "", body: "", locale: locale === "en" ? "en" : "pl", state: "draft", categoryId: null }
        }
        categories={categories.map(({ id, name }) => ({ id, name }))}
        saveAction={createArticleAction.bind(null, slug)}
        previewAction={previewArticleAction.bind(null, slug)}
        uploadAction={uploadImageAction.bind(null, slug)}
      />
    </>
  );
}
