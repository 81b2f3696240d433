import { useTranslations } from "next-intl";
import { Link } from "@/lib/i18n/navigation";
import type { QueueState } from "./queue-views";

type Preset = Pick<QueueState, "assignee" | "highlighted" | "team" | "mailbox" | "sla">;

/**
 * The views a member switches between all day: everything, their own tickets, nobody's, the
 * highlighted senders', those breaching their service level soon, and each team's. A view is a preset of the filters, so it combines with the
 * tab, the division and a search, and its address is its bookmark. "My accounts", the personal
 * queue, is offered to whoever owns a personal mailbox.
 */
export function SavedViews({
  state,
  teams,
  hasPersonalMailboxes,
  href,
}: {
  state: QueueState;
  teams: { id: string; name: string; divisionName: string }[];
  hasPersonalMailboxes: boolean;
  href: (changes: Partial<QueueState>) => string;
}) {
  const t = useTranslations("tickets.savedViews");
  const views: { key: string; label: string; preset: Preset }[] = [
    { key: "everyone", label: t("everyone"), preset: {} },
    { key: "mine", label: t("mine"), preset: { assignee: "me" } },
    { key: "unassigned", label: t("unassigned"), preset: { assignee: "nobody" } },
    ...(hasPersonalMailboxes ? [{ key: "my-accounts", label: t("myAccounts"), preset: { mailbox: "mine" as const } }] : []),
    { key: "highlighted", label: t("highlighted"), preset: { highlighted: true } },
    { key: "breaching-soon", label: t("breachingSoon"), preset: { sla: "soon" } },
    ...teams.map((team) => ({
      key: `team-${team.id}`,
      label: teams.filter((other) => other.name === team.name).length > 1 ? t("team", { team: `${team.name} (${team.divisionName})` }) : t("team", { team: team.name }),
      preset: { team: team.id },
    })),
  ];
  const isCurrent = (preset: Preset) =>
    state.assignee === preset.assignee &&
    Boolean(state.highlighted) === Boolean(preset.highlighted) &&
    state.team === preset.team &&
    state.mailbox === preset.mailbox &&
    state.sla === preset.sla;
  return (
    <nav aria-label={t("label")} className="mb-4 overflow-x-auto">
      <ul className="flex gap-2">
        {views.map((view) => {
          const current = isCurrent(view.preset);
          return (
            <li key={view.key}>
              <Link
                href={href({ assignee: undefined, highlighted: undefined, team: undefined, mailbox: undefined, sla: undefined, ...view.preset })}
                aria-current={current ? "page" : undefined}
                data-saved-view={view.key}
                className={`inline-flex rounded-md px-2.5 py-1 text-sm font-medium whitespace-nowrap transition-colors ${
                  current ? "bg-zinc-900 text-white" : "text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900"
                }`}
              >
                {view.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
