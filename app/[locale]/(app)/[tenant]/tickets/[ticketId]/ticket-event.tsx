import { useFormatter, useTranslations } from "next-intl";
import { Icon } from "@/app/_components/icons";
import type { TicketEvent } from "@/lib/tickets/events";

/** The names the page knows: current members, divisions and their teams. */
export interface EventNames {
  member(id: string): string | null;
  division(id: string): string | null;
  team(id: string): string | null;
}

/**
 * One change of the ticket between its messages, in a single quiet line: who did what, and when.
 * A member who has left, or a division or team since deleted, still reads as something.
 */
export function TicketEventItem({ event, names, tag }: { event: TicketEvent; names: EventNames; tag: string }) {
  const t = useTranslations("ticket.events");
  const tStatus = useTranslations("tickets.statuses");
  const tPriority = useTranslations("tickets.priorities");
  const format = useFormatter();
  const who = (event.actorId && names.member(event.actorId)) || t("someone");
  const place = (name: string | null) => name ?? t("unknownPlace");
  const ticket = (number: number) => `[${tag}#${number}]`;

  let text: string;
  switch (event.kind) {
    case "status":
      text =
        event.to === "closed"
          ? t("statusClosed", { who })
          : event.from === "closed" && event.to === "open"
            ? t("statusReopened", { who })
            : t("statusChanged", { who, status: tStatus(event.to) });
      break;
    case "autoClosed":
      text = t("autoClosed");
      break;
    case "assigned":
      text = !event.to
        ? t("unassigned", { who })
        : event.to === event.actorId
          ? t("assignedSelf", { who })
          : t("assigned", { who, assignee: names.member(event.to) ?? t("someone") });
      break;
    case "moved":
      if (event.division) {
        const division = place(names.division(event.division.id));
        text = event.team?.id
          ? t("movedDivisionTeam", { who, division, team: place(names.team(event.team.id)) })
          : t("movedDivision", { who, division });
      } else {
        text = event.team?.id ? t("movedTeam", { who, team: place(names.team(event.team.id)) }) : t("movedNoTeam", { who });
      }
      break;
    case "priority":
      text = t("priority", { who, priority: tPriority(event.to) });
      break;
    case "tags": {
      const added = event.added.join(", ");
      const removed = event.removed.join(", ");
      text = !removed
        ? t("tagsAdded", { who, tags: added })
        : !added
          ? t("tagsRemoved", { who, tags: removed })
          : t("tagsChanged", { who, added, removed });
      break;
    }
    case "mergedHere":
      text = t("mergedHere", { who, ticket: ticket(event.source) });
      break;
    case "mergedAway":
      text = t("mergedAway", { who, ticket: ticket(event.target) });
      break;
    case "splitOut":
      text = t("splitOut", { who, ticket: ticket(event.ticket) });
      break;
    case "splitFrom":
      text = t("splitFrom", { who, ticket: ticket(event.ticket) });
      break;
    case "trashed":
      text = t("trashed", { who });
      break;
    case "restored":
      text = t("restored", { who });
      break;
  }

  return (
    <p
      data-ticket-event={event.kind}
      className="flex flex-wrap items-center justify-center gap-x-2 px-4 text-center text-xs text-zinc-500"
    >
      <Icon name={event.kind === "status" || event.kind === "autoClosed" ? "checkCircle" : "info"} className="size-3.5 shrink-0 text-zinc-400" />
      <span>{text}</span>
      <span aria-hidden>·</span>
      <time dateTime={event.at.toISOString()}>{format.dateTime(event.at, "dateTime")}</time>
    </p>
  );
}
