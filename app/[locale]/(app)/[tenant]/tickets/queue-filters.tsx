import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { buttonClasses } from "@/app/_components/button";
import { Icon } from "@/app/_components/icons";
import { ticketPriorities } from "@/lib/tickets/labels";
import { QUEUE_SORTS, SERVICE_LEVEL_FILTERS } from "@/lib/tickets/queue";
import { Link } from "@/lib/i18n/navigation";
import { FILTER_KEYS, type QueueState } from "./queue-views";

const fieldClasses =
  "mt-1 block w-full rounded-lg border border-zinc-300 bg-white px-2 py-1.5 text-sm text-zinc-900 shadow-xs";

/**
 * The search box and the queue's filters: a plain GET form (it works before any script has loaded,
 * and its result is an address), and each filter in force as a chip that removes it, with one link
 * clearing them all. The division and the tab travel as hidden fields.
 */
export function QueueFilters({
  action,
  state,
  teams,
  members,
  href,
}: {
  action: string;
  state: QueueState;
  teams: { id: string; name: string; divisionName: string }[];
  members: { userId: string; name: string }[];
  href: (changes: Partial<QueueState>) => string;
}) {
  const t = useTranslations("tickets.filters");
  const tPriority = useTranslations("tickets.priorities");
  const memberName = (id: string) =>
    id === "me" ? t("me") : id === "nobody" ? t("nobody") : (members.find((member) => member.userId === id)?.name ?? id);
  const chip = (key: (typeof FILTER_KEYS)[number], label: string | null) =>
    label === null ? [] : [{ key, label, href: href({ [key]: undefined }) }];
  const active = [
    ...chip("q", state.q ? t("searchIs", { q: state.q }) : null),
    ...chip("team", state.team ? t("teamIs", { team: teams.find((team) => team.id === state.team)?.name ?? "?" }) : null),
    ...chip("assignee", state.assignee ? t("assigneeIs", { name: memberName(state.assignee) }) : null),
    ...chip("mailbox", state.mailbox ? t("myAccountsIs") : null),
    ...chip("priority", state.priority ? t("priorityIs", { priority: tPriority(state.priority) }) : null),
    ...chip("tag", state.tag ? t("tagIs", { tag: state.tag }) : null),
    ...chip("highlighted", state.highlighted ? t("highlightedIs") : null),
    ...chip("from", state.from ? t("fromIs", { date: state.from }) : null),
    ...chip("to", state.to ? t("toIs", { date: state.to }) : null),
    ...chip("sla", state.sla ? t("serviceLevelIs", { level: t(`serviceLevels.${state.sla}`) }) : null),
  ];
  const cleared = Object.fromEntries(FILTER_KEYS.map((key) => [key, undefined]));
  const moreOpen = Boolean(state.team || state.priority || state.tag || state.from || state.to || state.sort);

  return (
    <div className="mb-6 space-y-3">
      {/* Keyed by the state: a link to another view keeps this form mounted, and its fields' defaults
          would otherwise still show the view left. */}
      <form
        key={href({})}
        method="get"
        action={action}
        role="search"
        aria-label={t("title")}
        className="space-y-3"
      >
        {state.divisionId && <input type="hidden" name="division" value={state.divisionId} />}
        {state.view !== "queue" && <input type="hidden" name="status" value={state.view} />}
        {state.mailbox && <input type="hidden" name="mailbox" value={state.mailbox} />}
        <div className="flex flex-wrap items-end gap-2">
          <label className="min-w-0 flex-1 basis-64 text-xs font-medium text-zinc-500">
            {t("search")}
            <input
              type="search"
              name="q"
              defaultValue={state.q ?? ""}
              placeholder={t("searchPlaceholder")}
              maxLength={200}
              className={fieldClasses}
            />
          </label>
          <Field id="queue-assignee" label={t("assignee")} className="basis-36">
            <select id="queue-assignee" name="assignee" defaultValue={state.assignee ?? ""} className={fieldClasses}>
              <option value="">{t("anyone")}</option>
              <option value="me">{t("me")}</option>
              <option value="nobody">{t("nobody")}</option>
              {members.map((member) => (
                <option key={member.userId} value={member.userId}>
                  {member.name}
                </option>
              ))}
            </select>
          </Field>
          <Field id="queue-sla" label={t("serviceLevel")} className="basis-36">
            <select id="queue-sla" name="sla" defaultValue={state.sla ?? ""} className={fieldClasses}>
              <option value="">{t("anyServiceLevel")}</option>
              {SERVICE_LEVEL_FILTERS.map((level) => (
                <option key={level} value={level}>
                  {t(`serviceLevels.${level}`)}
                </option>
              ))}
            </select>
          </Field>
          <label className="flex items-center gap-2 py-2 text-sm text-zinc-700">
            <input type="checkbox" name="highlighted" value="1" defaultChecked={state.highlighted} className="rounded border-zinc-300" />
            {t("highlightedOnly")}
          </label>
          <button type="submit" className={buttonClasses("primary", "sm")}>
            <Icon name="search" className="size-4" />
            {t("apply")}
          </button>
        </div>
        <details open={moreOpen} className="group">
          <summary className="cursor-pointer text-sm font-medium text-zinc-600 hover:text-zinc-900">{t("more")}</summary>
          <div className="mt-2 grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-6">
            <Field id="queue-team" label={t("team")}>
              <select id="queue-team" name="team" defaultValue={state.team ?? ""} className={fieldClasses}>
                <option value="">{t("anyTeam")}</option>
                {teams.map((team) => (
                  <option key={team.id} value={team.id}>
                    {team.name} · {team.divisionName}
                  </option>
                ))}
              </select>
            </Field>
            <Field id="queue-priority" label={t("priority")}>
              <select id="queue-priority" name="priority" defaultValue={state.priority ?? ""} className={fieldClasses}>
                <option value="">{t("anyPriority")}</option>
                {ticketPriorities.map((priority) => (
                  <option key={priority} value={priority}>
                    {tPriority(priority)}
                  </option>
                ))}
              </select>
            </Field>
            <Field id="queue-tag" label={t("tag")}>
              <input id="queue-tag" name="tag" defaultValue={state.tag ?? ""} placeholder={t("tagPlaceholder")} className={fieldClasses} />
            </Field>
            <Field id="queue-from" label={t("from")}>
              <input id="queue-from" type="date" name="from" defaultValue={state.from ?? ""} className={fieldClasses} />
            </Field>
            <Field id="queue-to" label={t("to")}>
              <input id="queue-to" type="date" name="to" defaultValue={state.to ?? ""} className={fieldClasses} />
            </Field>
            <Field id="queue-sort" label={t("sort")}>
              <select id="queue-sort" name="sort" defaultValue={state.sort ?? "activity"} className={fieldClasses}>
                {QUEUE_SORTS.map((sort) => (
                  <option key={sort} value={sort}>
                    {t(`sorts.${sort}`)}
                  </option>
                ))}
              </select>
            </Field>
          </div>
        </details>
      </form>
      {active.length > 0 && (
        <ul aria-label={t("active")} className="flex flex-wrap items-center gap-2">
          {active.map((filter) => (
            <li key={filter.key} className="min-w-0">
              <Link
                href={filter.href}
                data-clear-filter={filter.key}
                title={t("remove")}
                className="inline-flex max-w-full items-center gap-1 rounded-full bg-brand-50 px-2.5 py-1 text-xs font-medium text-brand-800 ring-1 ring-brand-200 ring-inset hover:bg-brand-100"
              >
                <span className="truncate">{filter.label}</span>
                <Icon name="xCircle" className="size-3.5 shrink-0" />
                <span className="sr-only">{t("remove")}</span>
              </Link>
            </li>
          ))}
          <li>
            <Link
              href={href(cleared)}
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

/** A label above its control, tied by id: a label wrapping a select would also be named by its options. */
function Field({ id, label, className = "", children }: { id: string; label: string; className?: string; children: ReactNode }) {
  return (
    <div className={`min-w-0 ${className}`}>
      <label htmlFor={id} className="text-xs font-medium text-zinc-500">
        {label}
      </label>
      {children}
    </div>
  );
}
