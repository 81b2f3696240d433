import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { Badge } from "@/app/_components/badge";
import { Card, CardHeader } from "@/app/_components/card";
import { EmptyState } from "@/app/_components/empty-state";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { DivisionFilter, requestedDivision } from "../division-filter";
import { scopeOf } from "@/lib/auth/context";
import { tenantRequest } from "@/lib/auth/request";
import { listDivisions } from "@/lib/divisions/divisions";
import { Link } from "@/lib/i18n/navigation";
import { listTrash } from "@/lib/trash/list";
import { emptyTrashAction, purgeFromTrashAction, restoreFromTrashAction } from "./actions";
import { TrashActionButton } from "./trash-action-button";

interface Props {
  params: Promise<{ locale: string; tenant: string }>;
  searchParams: Promise<{ division?: string | string[] }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "trash" });
  return { title: t("title") };
}

/**
 * What members deleted: tickets, single messages and waiting-list entries, newest deletion first,
 * each restorable. Deleting for good (one item, or emptying) is offered only to a member with the
 * right; the actions check it again. `?division=<id>` shows one division's trash.
 */
export default async function TrashPage({ params, searchParams }: Props) {
  const { locale, tenant } = await params;
  setPageLocale(locale);
  const { ctx, run } = await tenantRequest(tenant);
  const { division: requested } = await searchParams;
  const { divisions, items, divisionId } = await run(async (tx) => {
    const scope = scopeOf(ctx);
    const divisions = await listDivisions(tx, scope);
    const divisionId = requestedDivision(divisions, requested);
    return { divisions, divisionId, items: await listTrash(tx, scope, { divisionId }) };
  });
  const t = await getTranslations("trash");
  const format = await getFormatter();
  const slug = ctx.tenant.slug;
  const when = (date: Date) => format.dateTime(date, "dateTime");
  const mayPurge = ctx.mayPurge;

  return (
    <>
      <PageHeader
        title={t("title")}
        description={t("description")}
        actions={
          mayPurge && items.length > 0 ? (
            <TrashActionButton
              name="emptyTrash"
              input={divisionId ? { divisionId } : {}}
              action={emptyTrashAction.bind(null, slug)}
              label={t("empty")}
              confirm={t("emptyConfirm", { count: items.length })}
              icon="trash"
              variant="danger"
            />
          ) : undefined
        }
      />
      <DivisionFilter
        label={t("filter")}
        allLabel={t("allDivisions")}
        path={`/${slug}/trash`}
        divisions={divisions}
        current={divisionId}
      />
      {!mayPurge && (
        <p className="mb-4 flex items-start gap-2 text-sm text-zinc-600" data-no-purge-right>
          {t("noRight")}
        </p>
      )}

      {items.length === 0 ? (
        <EmptyState icon="trash" title={t("emptyTitle")} description={t("emptyDescription")} />
      ) : (
        <Card>
          <CardHeader title={t("listTitle")} description={t("count", { count: items.length })} />
          <ul className="divide-y divide-zinc-100">
            {items.map((item) => (
              <li
                key={`${item.kind}:${item.id}`}
                data-trash-item={item.id}
                data-kind={item.kind}
                className="grid gap-x-4 gap-y-2 px-5 py-3.5 sm:px-6 md:grid-cols-12 md:items-center"
              >
                <div className="min-w-0 md:col-span-5">
                  <p className="flex items-center gap-2">
                    <Badge tone={item.kind === "ticket" ? "brand" : "neutral"}>{t(`kinds.${item.kind}`)}</Badge>
                    {item.ticketNumber !== null && item.ticketId ? (
                      <Link href={`/${slug}/tickets/${item.ticketId}`} className="font-mono text-xs text-zinc-500 hover:text-zinc-800">
                        [{item.divisionTag}#{item.ticketNumber}]
                      </Link>
                    ) : null}
                  </p>
                  <p className={`mt-1 truncate text-sm ${item.subject ? "text-zinc-900" : "text-zinc-500 italic"}`}>
                    {item.subject || t("noSubject")}
                  </p>
                  {item.from && <p className="truncate text-xs text-zinc-500">{item.from}</p>}
                </div>
                <div className="text-xs text-zinc-600 md:col-span-4">
                  <p>{item.divisionName}</p>
                  <p>
                    {t("deleted", {
                      when: when(item.deletedAt),
                      who: item.deletedBy?.name ?? t("unknownDeleter"),
                    })}
                  </p>
                  <p className="text-zinc-500">{t("purgeAt", { when: when(item.purgeAt) })}</p>
                </div>
                <div className="flex flex-wrap justify-end gap-2 md:col-span-3">
                  <TrashActionButton
                    name="restore"
                    input={{ kind: item.kind, id: item.id }}
                    action={restoreFromTrashAction.bind(null, slug)}
                    label={t("restore")}
                    icon="refresh"
                  />
                  {mayPurge && (
                    <TrashActionButton
                      name="purge"
                      input={{ kind: item.kind, id: item.id }}
                      action={purgeFromTrashAction.bind(null, slug)}
                      label={t("purge")}
                      confirm={t("purgeConfirm")}
                      icon="trash"
                      variant="danger"
                    />
                  )}
                </div>
              </li>
            ))}
          </ul>
        </Card>
      )}
    </>
  );
}
