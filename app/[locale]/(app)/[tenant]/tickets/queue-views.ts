import type { Division, TicketPriority, TicketStatus } from "@/db/schema";

/** The tabs of the queue, as spelled in the URL; "queue" (the default) is what the division chooses to show. */
export const VIEWS = ["queue", "open", "answered", "on-hold", "closed", "all"] as const;
export type View = (typeof VIEWS)[number];

/** Where the queue stands: its division, tab, page and the filters beside the tab. */
export interface QueueState {
  divisionId: string;
  view: View;
  page: number;
  priority?: TicketPriority;
  tag?: string;
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

/**
 * The queue's address for a state: what is default is left out, so a plain link stays plain. The
 * division is named when the tenant has several (bookmarks then keep it). A filter follows the
 * queue across tabs; a change of division or filter starts again at page one.
 */
export function queueHref(slug: string, state: QueueState, options: { nameDivision: boolean }): string {
  const search = new URLSearchParams();
  if (options.nameDivision) search.set("division", state.divisionId);
  if (state.view !== "queue") search.set("status", state.view);
  if (state.priority) search.set("priority", state.priority);
  if (state.tag) search.set("tag", state.tag);
  if (state.page > 1) search.set("page", String(state.page));
  const rest = search.toString();
  return `/${slug}/tickets${rest ? `?${rest}` : ""}`;
}
