import type { Division, TicketPriority, TicketStatus } from "@/db/schema";
import { normalizeTag, ticketPriorities } from "@/lib/tickets/labels";
import {
  type QueueCounts,
  QUEUE_SORTS,
  type QueueQuery,
  type QueueSort,
  SERVICE_LEVEL_FILTERS,
  type ServiceLevelFilter,
} from "@/lib/tickets/queue";
import { parseSearch } from "@/lib/tickets/queue-search";

/** The tabs of the queue, as spelled in the URL; "queue" (the default) is what each division chooses to show. */
export const VIEWS = ["queue", "open", "answered", "on-hold", "closed", "all"] as const;
export type View = (typeof VIEWS)[number];

/**
 * Where the queue stands, all of it in the address (so a reload, a bookmark and a language switch
 * keep it): division (none: all), tab, filters, search, sort and the page's cursor.
 */
export interface QueueState {
  divisionId: string | null;
  view: View;
  q?: string;
  team?: string;
  /** "me", "nobody" or a member's id. */
  assignee?: string;
  /** "mine": the personal queue, the tickets of my own personal mailboxes. */
  mailbox?: "mine";
  priority?: TicketPriority;
  tag?: string;
  highlighted?: boolean;
  /** Created from / to (inclusive), as YYYY-MM-DD. */
  from?: string;
  to?: string;
  /** Service level: "soon" (breaching soon) or "breached". */
  sla?: ServiceLevelFilter;
  sort?: QueueSort;
  after?: string;
  before?: string;
}

/** The narrowing a "clear filters" removes: everything but division, tab and sort. */
export const FILTER_KEYS = ["q", "team", "assignee", "mailbox", "priority", "tag", "highlighted", "from", "to", "sla"] as const;

type SearchParam = string | string[] | undefined;
export type QueueSearchParams = Partial<Record<keyof QueueState | "division" | "status", SearchParam>>;

function first(value: SearchParam): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text?.trim() || undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function dayOf(value: SearchParam): string | undefined {
  const text = first(value);
  return text && DAY.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) ? text : undefined;
}

/** A tag from the address, as stored; one no ticket could carry filters nothing rather than failing. */
function tagOf(value: SearchParam): string | undefined {
  try {
    return normalizeTag(first(value) ?? "") ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * The state an address asks for. Anything not understood (a division of another tenant, a made-up
 * status) is left out rather than shown as an error: the queue always opens.
 */
export function queueStateOf(params: QueueSearchParams, known: { divisionIds: string[] }): QueueState {
  const division = first(params.division);
  const assignee = first(params.assignee);
  const team = first(params.team);
  return {
    divisionId: division && known.divisionIds.includes(division) ? division : null,
    view: VIEWS.find((view) => view === first(params.status)) ?? "queue",
    q: first(params.q)?.slice(0, 200),
    team: team && UUID.test(team) ? team : undefined,
    assignee: assignee === "me" || assignee === "nobody" || (assignee && UUID.test(assignee)) ? assignee : undefined,
    mailbox: first(params.mailbox) === "mine" ? "mine" : undefined,
    priority: ticketPriorities.find((priority) => priority === first(params.priority)),
    tag: tagOf(params.tag),
    highlighted: first(params.highlighted) === "1" || undefined,
    from: dayOf(params.from),
    to: dayOf(params.to),
    sla: SERVICE_LEVEL_FILTERS.find((level) => level === first(params.sla)),
    sort: QUEUE_SORTS.find((sort) => sort !== "activity" && sort === first(params.sort)),
    after: first(params.after),
    before: first(params.after) ? undefined : first(params.before),
  };
}

/** The statuses a view lists; the default view follows the division's "show answered / on hold". */
export function statusesOf(view: View, division: Pick<Division, "showAnswered" | "showOnHold">): TicketStatus[] {
  switch (view) {
    case "queue":
      return [
        "open",
        ...(division.showAnswered ? (["answered"] as const) : []),
        ...(division.showOnHold ? (["on_hold"] as const) : []),
      ];
    case "on-hold":
      return ["on_hold"];
    case "all":
      return ["open", "answered", "on_hold", "closed"];
    default:
      return [view];
  }
}

/** How many tickets a tab holds (each status counted up to COUNT_CAP + 1). */
export function viewCount(view: View, counts: { byStatus: QueueCounts; queue: number }): number {
  if (view === "queue") return counts.queue;
  return statusesOf(view, { showAnswered: true, showOnHold: true }).reduce((sum, status) => sum + counts.byStatus[status], 0);
}

/** The default view's statuses of each division shown: each division decides its own. */
export function defaultStatuses(divisions: Pick<Division, "id" | "showAnswered" | "showOnHold">[]) {
  return new Map(divisions.map((division) => [division.id, statusesOf("queue", division)]));
}

/** What lib/tickets/queue.ts is asked for this state, by the member `me`, over the divisions shown. */
export function queueQueryOf(
  state: QueueState,
  divisions: Pick<Division, "id" | "showAnswered" | "showOnHold">[],
  me: string,
): QueueQuery {
  const shown = state.divisionId ? divisions.filter((division) => division.id === state.divisionId) : divisions;
  const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000);
  return {
    divisionIds: state.divisionId ? [state.divisionId] : undefined,
    statuses: state.view === "queue" ? defaultStatuses(shown) : statusesOf(state.view, shown[0] ?? { showAnswered: true, showOnHold: true }),
    teamId: state.team,
    assignee:
      state.assignee === "nobody"
        ? { kind: "nobody" }
        : state.assignee
          ? { kind: "user", userId: state.assignee === "me" ? me : state.assignee }
          : undefined,
    personalMailboxesOf: state.mailbox === "mine" ? me : undefined,
    priority: state.priority,
    tag: state.tag,
    highlighted: state.highlighted,
    createdFrom: state.from ? new Date(`${state.from}T00:00:00Z`) : undefined,
    createdBefore: state.to ? nextDay(state.to) : undefined,
    serviceLevel: state.sla,
    search: parseSearch(state.q),
    sort: state.sort,
    after: state.after,
    before: state.before,
  };
}

/**
 * The queue's address for a state: what is default is left out, so a plain link stays plain. A
 * filter follows the queue across tabs; any change but a page's own cursor starts again at the top.
 */
export function queueHref(slug: string, state: QueueState): string {
  const search = new URLSearchParams();
  if (state.divisionId) search.set("division", state.divisionId);
  if (state.view !== "queue") search.set("status", state.view);
  if (state.q) search.set("q", state.q);
  if (state.team) search.set("team", state.team);
  if (state.assignee) search.set("assignee", state.assignee);
  if (state.mailbox) search.set("mailbox", state.mailbox);
  if (state.priority) search.set("priority", state.priority);
  if (state.tag) search.set("tag", state.tag);
  if (state.highlighted) search.set("highlighted", "1");
  if (state.from) search.set("from", state.from);
  if (state.to) search.set("to", state.to);
  if (state.sla) search.set("sla", state.sla);
  if (state.sort && state.sort !== "activity") search.set("sort", state.sort);
  if (state.after) search.set("after", state.after);
  else if (state.before) search.set("before", state.before);
  const rest = search.toString();
  return `/${slug}/tickets${rest ? `?${rest}` : ""}`;
}
