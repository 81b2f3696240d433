import { getTranslations } from "next-intl/server";
import { Card, CardBody, CardHeader } from "@/app/_components/card";
import { Icon } from "@/app/_components/icons";
import { scopeOf } from "@/lib/auth/context";
import { tenantRequest } from "@/lib/auth/request";
import { canManageDivisions } from "@/lib/auth/roles";
import { Link } from "@/lib/i18n/navigation";
import { suggestArticles, suggestionUrl } from "@/lib/knowledge/suggest";
import { SuggestedAnswersList } from "./suggested-answers-list";

/**
 * "Suggested answers" beside a ticket (lib/knowledge/suggest.ts), in a transaction of its own:
 * the page streams it in after the ticket (Suspense, no placeholder: it takes tens of
 * milliseconds), so its ranking never holds the ticket up. Nothing when the division turned
 * suggestions off (max 0) or has no support knowledge base, except for a member who may set one:
 * a pointer to where.
 */
export async function SuggestedAnswers({
  tenant,
  ticketId,
  divisionId,
  mayInsert,
}: {
  tenant: string;
  ticketId: string;
  divisionId: string;
  /** The member may reply here: the answers can go into the reply. */
  mayInsert: boolean;
}) {
  const { ctx, run } = await tenantRequest(tenant);
  const suggestions = await run((tx) => suggestArticles(tx, scopeOf(ctx), { ticketId })).catch((error: unknown) => {
    // A help beside the ticket: when it fails, the ticket stays usable without it.
    console.error("Suggesting answers for a ticket failed", error);
    return null;
  });
  if (!suggestions) return null;
  if (suggestions.limit === 0) return null;
  if (!suggestions.knowledgeBaseId) {
    if (!canManageDivisions(ctx.role)) return null;
    const t = await getTranslations("suggestions");
    return (
      <Card>
        <CardHeader title={t("title")} />
        <CardBody className="space-y-2 text-sm text-zinc-600">
          <p data-suggestions-not-set>{t("noKnowledgeBase")}</p>
          <Link
            href={`/${ctx.tenant.slug}/settings/divisions/${divisionId}#defaultSupportKnowledgeBaseId`}
            className="inline-flex items-center gap-1 font-medium text-brand-700 hover:underline"
          >
            <Icon name="settings" className="size-4" />
            {t("openSettings")}
          </Link>
        </CardBody>
      </Card>
    );
  }
  return (
    <SuggestedAnswersList
      answers={suggestions.articles.map((article) => ({
        id: article.id,
        title: article.title,
        locale: article.locale,
        internal: article.state === "internal",
        snippet: article.snippet,
        text: mayInsert ? article.text : null,
        url: mayInsert ? suggestionUrl(article) : null,
      }))}
    />
  );
}
