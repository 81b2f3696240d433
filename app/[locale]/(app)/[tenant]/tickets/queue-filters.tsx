import { useTranslations } from "next-intl";
import { buttonClasses } from "@/app/_components/button";
import { Icon } from "@/app/_components/icons";
import { ticketPriorities } from "@/lib/tickets/labels";
import { Link } from "@/lib/i18n/navigation";
import type { QueueState } from "./queue-views";

/**
 * Narrowing the queue by priority and tag: a plain GET form (it works before any script has
 * loaded), and each filter in force as a chip that removes it, with one link clearing them all.
 */
export function QueueFilters({
  action,
  state,
  nameDivision,
  href,
}: {
  action: string;
  state: QueueState;
  nameDivision: boolean;
  href: (changes: Partial<QueueState>) => string;
}) {
  const t = useTranslations("tickets.filters");
  const tPriority = useTranslations("tickets.priorities");
  const active = [
    ...(state.priority
      ? [{ key: "priority", label: t("priorityIs", { priority: tPriority(state.priority) }), href: href({ priority: undefined }) }]
      : []),
    ...(state.tag ? [{ key: "tag", label: t("tagIs", { tag: state.tag }), href: href({ tag: undefined }) }] : []),
  ];
  return (
    <div className="mb-6 flex flex-wrap items-end gap-x-4 gap-y-3">
      <form method="get" action={action} role="search" aria-label={t("title")} className="flex flex-wrap items-end gap-2">
        {nameDivision && <input type="hidden" name="division" value={state.divisionId} />}
        {state.view !== "queue" && <input type="hidden" name="status" value={state.view} />}
        <label className="text-xs font-medium text-zinc-500">
          {t("priority")}
          <select
            name="priority"
            defaultValue={state.priority ?? ""}
            className="mt-1 block rounded-lg border border-zinc-300 bg-white py-1.5 pr-8 pl-2 text-sm text-zinc-900 shadow-xs"
          >
            <option value="">{t("anyPriority")}</option>
            {ticketPriorities.map((priority) => (
              <option key={priority} value={priority}>
                {tPriority(priority)}
              </option>
            ))}
          </select>
        </label>
        <label className="text-xs font-medium text-zinc-500">
          {t("tag")}
          <input
            name="tag"
            defaultValue={state.tag ?? ""}
            placeholder={t("tagPlaceholder")}
            className="mt-1 block w-36 rounded-lg border border-zinc-300 bg-white px-2 py-1.5 text-sm text-zinc-900 shadow-xs"
          />
        </label>
        <button type="submit" className={buttonClasses("secondary", "sm")}>
          {t("apply")}
        </button>
      </form>
      {active.length > 0 && (
        <ul aria-label={t("active")} className="flex flex-wrap items-center gap-2">
          {active.map((filter) => (
            <li key={filter.key}>
              <Link
                href={filter.href}
                data-clear-filter={filter.key}
                title={t("remove")}
                className="inline-flex items-center gap-1 rounded-full bg-brand-50 px-2.5 py-1 text-xs font-medium text-brand-800 ring-1 ring-brand-200 ring-inset hover:bg-brand-100"
              >
                {filter.label}
                <Icon name="xCircle" className="size-3.5" />
                <span className="sr-only">{t("remove")}</span>
              </Link>
            </li>
          ))}
          <li>
            <Link
              href={href({ priority: undefined, tag: undefined })}
              data-clear-filter="all"
              className="text-xs font-medium text-zinc-500 underline hover:text-zinc-800"
            >
              {t("clear")}
            </Link>
          </li>
        </ul>
      )}
    </div>
  );
}
