"use client";

import { useTranslations } from "next-intl";
import { createContext, type ReactNode, startTransition, useActionState, useContext, useEffect, useRef, useState } from "react";
import { KeyboardShortcuts } from "@/app/_components/keyboard-shortcuts";
import type { ActionState } from "@/lib/auth/action";
import type { DivisionWithTeams } from "@/lib/teams/teams";
import type { BulkAction } from "@/lib/tickets/bulk";
import { BulkBar } from "./bulk-bar";

type BulkResult = { count: number; changed: number };
type BulkInput = { divisionId: string | null; ticketIds: string[]; action: BulkAction };

export interface BulkQueueProps {
  /** The division the queue shows, or null across all. */
  divisionId: string | null;
  /** The tickets on this page, in the order shown, with how a menu names them (`[TAG#n] subject`). */
  tickets: { id: string; label: string }[];
  me: string;
  members: { userId: string; name: string }[];
  divisions: DivisionWithTeams[];
  action: (previous: ActionState<BulkResult>, input: BulkInput) => Promise<ActionState<BulkResult>>;
  /** A light agent: the rows are only read, so there is nothing to select and no bulk bar. */
  readOnly?: boolean;
  children: ReactNode;
}

interface Selection {
  readOnly: boolean;
  selected: ReadonlySet<string>;
  toggle: (ticketId: string) => void;
  ticketIds: string[];
  setAll: (on: boolean) => void;
}

const SelectionContext = createContext<Selection | null>(null);

function useSelection(): Selection {
  const selection = useContext(SelectionContext);
  if (!selection) throw new Error("A queue checkbox outside BulkQueue");
  return selection;
}

/**
 * The queue's selection and what is done to it: the checkboxes, the bar of bulk actions that appears
 * with a selection, and the keys (j/k move between rows, x selects, Enter opens, a takes the
 * selected or focused tickets, e closes them). The rows themselves are the server's markup; the
 * keys find them by `data-ticket`.
 */
export function BulkQueue({ divisionId, tickets, me, members, divisions, action, readOnly = false, children }: BulkQueueProps) {
  const ticketIds = tickets.map((ticket) => ticket.id);
  const t = useTranslations("tickets.bulk");
  const tKeys = useTranslations("shortcuts.queue");
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [state, dispatch, pending] = useActionState(action, {});
  const tableRef = useRef<HTMLDivElement>(null);

  // A page that changed (after an action, or another page) keeps only the selected tickets it still shows.
  const visible = new Set(ticketIds);
  const selectedHere = [...selected].filter((id) => visible.has(id));

  // The outcome of the last action shows until the selection changes again.
  const [outcomeShown, setOutcomeShown] = useState(false);
  useEffect(() => {
    if (state.ok) setSelected(new Set());
    setOutcomeShown(Boolean(state.ok || state.error));
  }, [state]);

  function run(bulkAction: BulkAction, ids = selectedHere) {
    if (ids.length === 0 || pending) return;
    startTransition(() => dispatch({ divisionId, ticketIds: ids, action: bulkAction }));
  }

  const selection: Selection = {
    readOnly,
    selected,
    ticketIds,
    toggle: (ticketId) => {
      setOutcomeShown(false);
      setSelected((current) => {
        const next = new Set(current);
        if (!next.delete(ticketId)) next.add(ticketId);
        return next;
      });
    },
    setAll: (on) => {
      setOutcomeShown(false);
      setSelected(on ? new Set(ticketIds) : new Set());
    },
  };

  const rows = () => [...(tableRef.current?.querySelectorAll<HTMLElement>("tr[data-ticket]") ?? [])];
  const focusedRow = () => (document.activeElement as HTMLElement | null)?.closest<HTMLElement>("tr[data-ticket]") ?? null;
  function moveFocus(step: 1 | -1) {
    const all = rows();
    const current = focusedRow();
    const index = current ? all.indexOf(current) : -1;
    const next = all[index === -1 ? (step === 1 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, index + step))];
    next?.focus();
    next?.scrollIntoView({ block: "nearest" });
  }
  /** What a key acts on: the selection, or else the focused row. */
  function targets(): string[] {
    if (selectedHere.length > 0) return selectedHere;
    const row = focusedRow();
    return row?.dataset.ticket ? [row.dataset.ticket] : [];
  }

  return (
    <SelectionContext.Provider value={selection}>
      <KeyboardShortcuts
        shortcuts={[
          { key: "j", label: tKeys("next"), run: () => moveFocus(1) },
          { key: "k", label: tKeys("previous"), run: () => moveFocus(-1) },
          {
            key: "x",
            label: tKeys("select"),
            run: () => {
              const id = focusedRow()?.dataset.ticket;
              if (id) selection.toggle(id);
            },
          },
          {
            key: "Enter",
            label: tKeys("open"),
            run: () => focusedRow()?.querySelector<HTMLAnchorElement>("a[data-ticket-link]")?.click(),
          },
          ...(readOnly
            ? []
            : [
                { key: "a", label: tKeys("assignToMe"), run: () => run({ type: "assign", assigneeId: me }, targets()) },
                { key: "e", label: tKeys("close"), run: () => run({ type: "status", status: "closed" }, targets()) },
              ]),
        ]}
      />
      {!readOnly && (
        <BulkBar
          count={selectedHere.length}
          selectedTickets={tickets.filter((ticket) => selected.has(ticket.id))}
          pending={pending}
          state={outcomeShown ? state : undefined}
          me={me}
          members={members}
          divisionId={divisionId}
          divisions={divisions}
          run={run}
          onClear={() => setSelected(new Set())}
        />
      )}
      <div ref={tableRef} aria-label={t("tableHint")} role="region">
        {children}
      </div>
    </SelectionContext.Provider>
  );
}

export function SelectAllCheckbox() {
  const t = useTranslations("tickets.bulk");
  const { readOnly, selected, ticketIds, setAll } = useSelection();
  if (readOnly) return null;
  const count = ticketIds.filter((id) => selected.has(id)).length;
  const all = count > 0 && count === ticketIds.length;
  return (
    <input
      type="checkbox"
      aria-label={t("selectAll")}
      data-select-all
      checked={all}
      ref={(input) => {
        if (input) input.indeterminate = count > 0 && !all;
      }}
      onChange={() => setAll(!all)}
      className="size-4 rounded border-zinc-300 accent-brand-600"
    />
  );
}

export function RowCheckbox({ ticketId, label }: { ticketId: string; label: string }) {
  const { readOnly, selected, toggle } = useSelection();
  if (readOnly) return null;
  return (
    <input
      type="checkbox"
      aria-label={label}
      data-select-ticket={ticketId}
      checked={selected.has(ticketId)}
      onChange={() => toggle(ticketId)}
      className="size-4 rounded border-zinc-300 accent-brand-600"
    />
  );
}
