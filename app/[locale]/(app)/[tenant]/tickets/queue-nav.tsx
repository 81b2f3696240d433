import { useTranslations } from "next-intl";
import type { Division, TicketStatus } from "@/db/schema";
import { Link } from "@/lib/i18n/navigation";
import { type QueueState, statusesOf, VIEWS, type View } from "./queue-views";

/** The division pills (when there are several) and the status tabs, each with its count. */
export function QueueNav({
  divisions,
  division,
  view,
  counts,
  href,
}: {
  divisions: Division[];
  division: Division;
  view: View;
  counts: Record<TicketStatus, number>;
  href: (changes: Partial<QueueState>) => string;
}) {
  const t = useTranslations("tickets");
  const viewCount = (v: View) => statusesOf(v, division).reduce((sum, status) => sum + counts[status], 0);
  return (
    <>
      {divisions.length > 1 && (
        <nav aria-label={t("divisionFilter")} className="mb-4">
          <ul className="flex flex-wrap gap-2">
            {divisions.map((d) => {
              const current = d.id === division.id;
              return (
                <li key={d.id}>
                  <Link
                    // Another division starts from its own queue, unfiltered.
                    href={href({ divisionId: d.id, view: "queue", priority: undefined, tag: undefined })}
                    aria-current={current ? "page" : undefined}
                    className={`inline-flex items-center gap-2 rounded-full px-3 py-1.5 text-sm font-medium ring-1 ring-inset transition-colors ${
                      current ? "bg-brand-600 text-white ring-brand-600" : "bg-white text-zinc-700 ring-zinc-200 hover:bg-zinc-50"
                    }`}
                  >
                    {d.name}
                    <span className={`font-mono text-xs ${current ? "text-brand-100" : "text-zinc-400"}`}>{d.tag}</span>
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
            const current = v === view;
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
                    {viewCount(v)}
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
