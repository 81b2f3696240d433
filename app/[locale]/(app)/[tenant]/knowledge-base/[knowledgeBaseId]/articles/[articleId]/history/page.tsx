import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { notFound } from "next/navigation";
import { buttonClasses } from "@/app/_components/button";
import { Card, CardBody, CardHeader } from "@/app/_components/card";
import { Icon } from "@/app/_components/icons";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { scopeOf } from "@/lib/auth/context";
import { tenantRequest } from "@/lib/auth/request";
import { isReadOnly } from "@/lib/auth/roles";
import { Link } from "@/lib/i18n/navigation";
import { getArticle, listArticleRevisions } from "@/lib/knowledge/articles";
import { getKnowledgeBase } from "@/lib/knowledge/knowledge-bases";
import { renderArticleMarkdown } from "@/lib/knowledge/markdown";
import { readOrNotFound } from "../../../../../read-or-not-found";
import { StateBadge } from "../../../../article-badges";
import { ArticleBody } from "../../../../article-body";
import { KnowledgeBaseBreadcrumb } from "../../../../breadcrumb";
import { ConfirmButton } from "../../../../confirm-button";
import { restoreArticleRevisionAction } from "../../actions";

type SearchParam = string | string[] | undefined;

interface Props {
  params: Promise<{ locale: string; tenant: string; knowledgeBaseId: string; articleId: string }>;
  searchParams: Promise<{ revision?: SearchParam }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "knowledgeBase.article" });
  return { title: t("history") };
}

/** Every saved version of an article, newest first; `?revision=<id>` shows that one (the newest by default). */
export default async function ArticleHistoryPage({ params, searchParams }: Props) {
  const { locale, tenant, knowledgeBaseId, articleId } = await params;
  setPageLocale(locale);
  const { ctx, run } = await tenantRequest(tenant);
  const { kb, article, revisions } = await readOrNotFound(run, [knowledgeBaseId, articleId], async (tx) => {
    const scope = scopeOf(ctx);
    return {
      kb: await getKnowledgeBase(tx, scope, knowledgeBaseId),
      article: await getArticle(tx, scope, articleId),
      revisions: await listArticleRevisions(tx, scope, articleId),
    };
  });
  if (article.knowledgeBaseId !== kb.id) notFound();
  const asked = (await searchParams).revision;
  const shown = revisions.find((revision) => revision.id === asked) ?? revisions[0];
  const t = await getTranslations("knowledgeBase");
  const format = await getFormatter();
  const slug = ctx.tenant.slug;
  const path = `/${slug}/knowledge-base/${kb.id}`;
  const articlePath = `${path}/articles/${article.id}`;

  return (
    <>
      <PageHeader
        eyebrow={
          <KnowledgeBaseBreadcrumb
            tenant={slug}
            trail={[{ href: path, label: kb.name }, { href: articlePath, label: article.title }, { label: t("article.history") }]}
          />
        }
        title={t("history.title", { title: article.title })}
        description={t("history.description")}
        actions={
          <Link href={articlePath} className={buttonClasses("secondary")}>
            <Icon name="arrowLeft" className="size-4" />
            {t("history.back")}
          </Link>
        }
      />
      <div className="grid gap-6 lg:grid-cols-[17rem_minmax(0,1fr)]">
        <nav aria-labelledby="versions-title" className="self-start rounded-xl border border-zinc-200 bg-white p-2 shadow-xs">
          <h2 id="versions-title" className="px-3 pt-2 pb-2 text-xs font-semibold tracking-wide text-zinc-500 uppercase">
            {t("history.versions", { count: revisions.length })}
          </h2>
          <ol className="space-y-0.5" data-revisions>
            {revisions.map((revision, index) => {
              const current = revision.id === shown?.id;
              return (
                <li key={revision.id} data-revision={revision.id}>
                  <Link
                    href={`${articlePath}/history?revision=${revision.id}`}
                    aria-current={current ? "page" : undefined}
                    className={`block rounded-lg px-3 py-2 ${current ? "bg-brand-50 ring-1 ring-brand-200 ring-inset" : "hover:bg-zinc-50"}`}
                  >
                    <span className="flex items-center justify-between gap-2">
                      <span className={`text-sm font-medium whitespace-nowrap ${current ? "text-brand-800" : "text-zinc-900"}`}>
                        {format.dateTime(revision.createdAt, "dateTime")}
                      </span>
                      {index === 0 && <span className="text-xs text-zinc-500">{t("history.current")}</span>}
                    </span>
                    <span className="mt-1 flex items-center justify-between gap-2">
                      <span className="min-w-0 truncate text-xs text-zinc-500">{revision.editorName ?? t("history.unknownEditor")}</span>
                      <StateBadge state={revision.state} />
                    </span>
                  </Link>
                </li>
              );
            })}
          </ol>
        </nav>
        {shown && (
          <Card>
            <CardHeader
              title={<span data-revision-title>{shown.title}</span>}
              description={t("history.savedBy", {
                editor: shown.editorName ?? t("history.unknownEditor"),
                when: format.dateTime(shown.createdAt, "dateTime"),
              })}
              actions={
                shown.id !== revisions[0]?.id && !isReadOnly(ctx.role) ? (
                  <ConfirmButton
                    action={restoreArticleRevisionAction.bind(null, slug)}
                    input={{ id: article.id, revisionId: shown.id }}
                    variant="secondary"
                    size="sm"
                    doneHref={articlePath}
                    text={{
                      button: t("history.restore"),
                      question: t("history.restoreQuestion"),
                      confirm: t("history.restoreConfirm"),
                      cancel: t("history.cancel"),
                    }}
                  />
                ) : undefined
              }
            />
            <CardBody className="sm:px-8">
              <ArticleBody html={renderArticleMarkdown(shown.body)} />
            </CardBody>
          </Card>
        )}
      </div>
    </>
  );
}
