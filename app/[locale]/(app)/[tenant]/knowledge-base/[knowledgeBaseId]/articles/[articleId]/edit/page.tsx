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
import { isLocale } from "@/lib/i18n/routing";
import { getArticle } from "@/lib/knowledge/articles";
import { getKnowledgeBase, listCategories } from "@/lib/knowledge/knowledge-bases";
import { readOrNotFound } from "../../../../../read-or-not-found";
import { KnowledgeBaseBreadcrumb } from "../../../../breadcrumb";
import { previewArticleAction, updateArticleAction, uploadImageAction } from "../../actions";
import { ArticleEditor } from "../../article-editor";

interface Props {
  params: Promise<{ locale: string; tenant: string; knowledgeBaseId: string; articleId: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "knowledgeBase.editor" });
  return { title: t("editTitle") };
}

/** Changing a saved article; the text it had stays in its history. */
export default async function EditArticlePage({ params }: Props) {
  const { locale, tenant, knowledgeBaseId, articleId } = await params;
  setPageLocale(locale);
  const { ctx, run } = await tenantRequest(tenant);
  if (isReadOnly(ctx.role)) notFound();
  const { kb, article, categories } = await readOrNotFound(run, [knowledgeBaseId, articleId], async (tx) => {
    const scope = scopeOf(ctx);
    const kb = await getKnowledgeBase(tx, scope, knowledgeBaseId);
    return { kb, article: await getArticle(tx, scope, articleId), categories: await listCategories(tx, scope, kb.id) };
  });
  if (article.knowledgeBaseId !== kb.id) notFound();
  const t = await getTranslations("knowledgeBase.editor");
  const slug = ctx.tenant.slug;
  const path = `/${slug}/knowledge-base/${kb.id}`;

  return (
    <>
      <PageHeader
        eyebrow={
          <KnowledgeBaseBreadcrumb
            tenant={slug}
            trail={[
              { href: path, label: kb.name },
              { href: `${path}/articles/${article.id}`, label: article.title },
              { label: t("editTitle") },
            ]}
          />
        }
        title={t("editTitle")}
        actions={
          <Link href={`${path}/articles/${article.id}`} className={buttonClasses("ghost")}>
            {t("cancel")}
          </Link>
        }
      />
      <ArticleEditor
        articlesPath={`${path}/articles`}
        knowledgeBaseId={kb.id}
        hidden={{ id: article.id }}
        initial={{
          title: article.title,
          body: article.body,
          locale: isLocale(article.locale) ? article.locale : "en",
          state: article.state,
          categoryId: article.categoryId,
        }}
        categories={categories.map(({ id, name }) => ({ id, name }))}
        saveAction={updateArticleAction.bind(null, slug)}
        previewAction={previewArticleAction.bind(null, slug)}
        uploadAction={uploadImageAction.bind(null, slug)}
      />
    </>
  );
}
