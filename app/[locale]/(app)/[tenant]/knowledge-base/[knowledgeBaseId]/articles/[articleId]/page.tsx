import type { Metadata } from "next";
import type { ReactNode } from "react";
import { getFormatter, getTranslations } from "next-intl/server";
import { notFound } from "next/navigation";
import { buttonClasses } from "@/app/_components/button";
import { Card, CardBody } from "@/app/_components/card";
import { Icon } from "@/app/_components/icons";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { appUrl, helpCenterArticlePath } from "@/lib/app-url";
import { scopeOf } from "@/lib/auth/context";
import { tenantRequest } from "@/lib/auth/request";
import { canManageKnowledgeBases, isReadOnly } from "@/lib/auth/roles";
import { Link } from "@/lib/i18n/navigation";
import { getArticleDetails } from "@/lib/knowledge/article-details";
import { listTranslations } from "@/lib/knowledge/articles";
import { getKnowledgeBase } from "@/lib/knowledge/knowledge-bases";
import { readOrNotFound } from "../../../../read-or-not-found";
import { LocaleBadge, StateBadge } from "../../../article-badges";
import { ArticleBody } from "../../../article-body";
import { KnowledgeBaseBreadcrumb } from "../../../breadcrumb";
import { deleteArticleAction, setArticleStateAction } from "../actions";
import { ArticleActions } from "./article-actions";
import { LanguageVersions } from "./language-versions";

interface Props {
  params: Promise<{ locale: string; tenant: string; knowledgeBaseId: string; articleId: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "knowledgeBase" });
  return { title: t("title") };
}

/** An article as staff read it, with its details, language versions and, for writers, its quick actions. */
export default async function ArticlePage({ params }: Props) {
  const { locale, tenant, knowledgeBaseId, articleId } = await params;
  setPageLocale(locale);
  const { ctx, run } = await tenantRequest(tenant);
  const { kb, details, translations } = await readOrNotFound(run, [knowledgeBaseId, articleId], async (tx) => {
    const scope = scopeOf(ctx);
    const details = await getArticleDetails(tx, scope, articleId);
    return {
      kb: await getKnowledgeBase(tx, scope, knowledgeBaseId),
      details,
      translations: await listTranslations(tx, scope, details.article),
    };
  });
  const { article } = details;
  if (article.knowledgeBaseId !== kb.id) notFound();
  const t = await getTranslations("knowledgeBase");
  const format = await getFormatter();
  const slug = ctx.tenant.slug;
  const path = `/${slug}/knowledge-base/${kb.id}`;
  const mayWrite = !isReadOnly(ctx.role);
  const mayDelete = mayWrite && (canManageKnowledgeBases(ctx.role) || article.authorId === ctx.user.id);
  const publicUrl = details.inHelpCenter ? appUrl(helpCenterArticlePath(article.locale, slug, article.slug)) : null;
  const detail = (label: string, value: ReactNode) => (
    <div>
      <dt className="text-xs font-medium text-zinc-500">{label}</dt>
      <dd className="mt-0.5 text-sm text-zinc-800">{value}</dd>
    </div>
  );

  return (
    <>
      <PageHeader
        eyebrow={<KnowledgeBaseBreadcrumb tenant={slug} trail={[{ href: path, label: kb.name }, { label: article.title }]} />}
        title={
          <span className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <span>{article.title}</span>
            <span className="flex items-center gap-1.5 text-base font-normal">
              <LocaleBadge locale={article.locale} />
              <StateBadge state={article.state} />
            </span>
          </span>
        }
        actions={
          <div className="flex flex-wrap gap-2">
            <Link href={`${path}/articles/${article.id}/history`} className={buttonClasses("secondary")}>
              <Icon name="clock" className="size-4" />
              {t("article.history")}
            </Link>
            {mayWrite && (
              <Link href={`${path}/articles/${article.id}/edit`} className={buttonClasses("primary")}>
                <Icon name="pencil" className="size-4" />
                {t("article.edit")}
              </Link>
            )}
          </div>
        }
      />
      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_16rem]">
        <Card>
          <CardBody className="sm:px-8 sm:py-7">
            <ArticleBody html={article.bodyHtml} />
          </CardBody>
        </Card>
        <aside className="space-y-4">
          {!mayWrite && (
            <p className="flex items-start gap-2 rounded-xl bg-zinc-100 px-4 py-3 text-xs leading-5 text-zinc-600">
              <Icon name="lock" className="size-4 shrink-0" />
              {t("article.readOnly")}
            </p>
          )}
          {mayWrite && (
            <ArticleActions
              articleId={article.id}
              state={article.state}
              mayDelete={mayDelete}
              listHref={path}
              stateAction={setArticleStateAction.bind(null, slug)}
              deleteAction={deleteArticleAction.bind(null, slug)}
            />
          )}
          <Card>
            <CardBody className="space-y-3 sm:px-5 sm:py-4">
              <h2 className="text-xs font-semibold tracking-wide text-zinc-500 uppercase">{t("article.details")}</h2>
              <dl className="space-y-3">
                {detail(t("article.category"), details.categoryName ?? t("categories.uncategorized"))}
                {detail(t("article.author"), details.authorName ?? t("list.noAuthor"))}
                {detail(t("article.created"), format.dateTime(article.createdAt, "dateTime"))}
                {detail(t("article.lastEditor"), details.updatedByName ?? t("list.noAuthor"))}
                {detail(t("article.updated"), format.dateTime(article.updatedAt, "dateTime"))}
                {article.publishedAt && detail(t("article.publishedAt"), format.dateTime(article.publishedAt, "dateTime"))}
              </dl>
              {publicUrl ? (
                <a
                  href={publicUrl}
                  target="_blank"
                  rel="noopener"
                  data-public-link
                  className="flex items-start gap-1.5 rounded-lg bg-emerald-50 px-3 py-2 text-sm font-medium break-all text-emerald-800 ring-1 ring-emerald-200 ring-inset hover:bg-emerald-100"
                >
                  <Icon name="link" className="mt-0.5 size-4 shrink-0" />
                  {t("article.publicLink")}
                </a>
              ) : (
                article.state === "published" && <p className="rounded-lg bg-amber-50 px-3 py-2 text-xs leading-5 text-amber-900 ring-1 ring-amber-200 ring-inset">{t("article.notInHelpCenter")}</p>
              )}
            </CardBody>
          </Card>
          <LanguageVersions
            path={path}
            article={{ id: article.id, locale: article.locale }}
            translations={translations}
            mayWrite={mayWrite}
          />
        </aside>
      </div>
    </>
  );
}
