import { useTranslations } from "next-intl";
import { COUNT_CAP, type QueueCounts } from "@/lib/tickets/queue";
import type { DivisionWithTeams } from "@/lib/teams/teams";
import { Link } from "@/lib/i18n/navigation";
import { type QueueState, VIEWS, viewCount } from "./queue-views";

/** The division pills (all, or one; when there are several) and the status tabs, each with its count. */
export function QueueNav({
  divisions,
  state,
  counts,
  href,
}: {
  divisions: DivisionWithTeams[];
  state: QueueState;
  counts: { byStatus: QueueCounts; queue: number };
  href: (changes: Partial<QueueState>) => string;
}) {
  const t = useTranslations("tickets");
  const pills = [{ id: null, name: t("allDivisions"), tag: null }, ...divisions];
  return (
    <>
      {divisions.length > 1 && (
        <nav aria-label={t("divisionFilter")} className="mb-4">
          <ul className="flex flex-wrap gap-2">
            {pills.map((d) => {
              const current = d.id === state.divisionId;
              return (
                <li key={d.id ?? "all"}>
                  <Link
                    // Another division keeps the filters but not a team of the division left.
                    href={href({ divisionId: d.id, team: undefined })}
                    aria-current={current ? "page" : undefined}
                    data-division={d.id ?? "all"}
                    className={`inline-flex items-center gap-2 rounded-full px-3 py-1.5 text-sm font-medium ring-1 ring-inset transition-colors ${
                      current ? "bg-brand-600 text-white ring-brand-600" : "bg-white text-zinc-700 ring-zinc-200 hover:bg-zinc-50"
                    }`}
                  >
                    {d.name}
                    {d.tag && <span className={`font-mono text-xs ${current ? "text-brand-100" : "text-zinc-400"}`}>{d.tag}</span>}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
      )}

      <nav aria-label={t("statusFilter")} className="mb-4 overflow-x-auto border-b border-zinc-200">
        <ul className="-mb-px flex gap-1">
          {VIEWS.map((v) => {
            const current = v === state.view;
            const count = viewCount(v, counts);
            return (
              <li key={v}>
                <Link
                  href={href({ view: v })}
                  aria-current={current ? "page" : undefined}
                  data-view={v}
                  className={`inline-flex items-center gap-2 border-b-2 px-3 py-2 text-sm font-medium whitespace-nowrap transition-colors ${
                    current
                      ? "border-brand-600 text-brand-700"
                      : "border-transparent text-zinc-500 hover:border-zinc-300 hover:text-zinc-800"
                  }`}
                >
                  {t(`views.${v === "on-hold" ? "onHold" : v}`)}
                  <span
                    className={`rounded-full px-1.5 py-px text-xs tabular-nums ${
                      current ? "bg-brand-50 text-brand-700" : "bg-zinc-100 text-zinc-500"
                    }`}
                  >
                    {count > COUNT_CAP ? t("tabCountCapped", { count: COUNT_CAP }) : count}
                  </span>
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
    </>
  );
}
