"use client";

import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { Badge } from "@/app/_components/badge";
import { Button } from "@/app/_components/button";
import { FormAlert } from "@/app/_components/form";
import { useActionForm } from "@/app/_components/use-action-form";
import type { ActionState } from "@/lib/auth/action";
import type { DivisionWithTeams } from "@/lib/teams/teams";
import { Link } from "@/lib/i18n/navigation";
import { TicketTargetFields } from "./[entryId]/entry-actions";

type FormAction<R> = (previous: ActionState<R>, input: FormData) => Promise<ActionState<R>>;

export interface WaitingRow {
  id: string;
  href: string;
  from: { name: string | null; address: string } | null;
  subject: string;
  /** Shown when the list spans several divisions. */
  divisionName: string | null;
  reason: string;
  heldByRule: boolean;
  receivedAt: string;
  received: string;
}

const BULK_ACTIONS = ["convert", "register", "spam", "release", "delete"] as const;

/**
 * The waiting list's rows, each a link to its entry, with checkboxes, "select all on the page", and
 * the bulk bar: one decision for every ticked entry, in one transaction.
 */
export function WaitingBulkList({
  rows,
  divisions,
  action,
}: {
  rows: WaitingRow[];
  divisions: DivisionWithTeams[];
  action: FormAction<{ decided: number; alreadyDecided: number }>;
}) {
  const t = useTranslations("waitingList");
  const { state, pending, onSubmit } = useActionForm(action);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [pressed, setPressed] = useState<string | null>(null);
  // Entries decided leave the page: forget the selection once the decision is made.
  useEffect(() => {
    if (state.ok) setSelected(new Set());
  }, [state]);
  const ids = rows.map((row) => row.id);
  const chosen = ids.filter((id) => selected.has(id));
  const all = chosen.length === ids.length && ids.length > 0;
  const toggle = (id: string) =>
    setSelected((before) => {
      const next = new Set(before);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  return (
    <form onSubmit={onSubmit}>
      <div className="border-b border-zinc-100 px-5 py-2.5 sm:px-6">
        <label className="inline-flex items-center gap-3 text-sm text-zinc-700">
          <input
            type="checkbox"
            className="size-4 rounded border-zinc-300 accent-brand-600"
            checked={all}
            ref={(input) => {
              if (input) input.indeterminate = chosen.length > 0 && !all;
            }}
            onChange={() => setSelected(all ? new Set() : new Set(ids))}
          />
          {t("bulk.selectAll")}
        </label>
      </div>
      <div aria-hidden="true" className="hidden gap-4 border-b border-zinc-100 bg-zinc-50/60 px-5 py-2 text-xs font-medium text-zinc-500 sm:px-6 md:flex">
        {/* Under the rows' checkboxes. */}
        <span className="w-4 shrink-0" />
        <span className="grid flex-1 grid-cols-12 gap-x-4">
          <span className="col-span-3">{t("columns.from")}</span>
          <span className="col-span-4">{t("columns.subject")}</span>
          <span className="col-span-3">{t("columns.reason")}</span>
          <span className="col-span-2 text-right">{t("columns.received")}</span>
        </span>
      </div>

      {chosen.length > 0 && (
        <div
          role="region"
          aria-label={t("bulk.title")}
          data-bulk-bar
          className="sticky top-0 z-10 space-y-3 border-b border-brand-200 bg-brand-50 px-5 py-3 sm:px-6"
        >
          <p className="text-sm font-medium text-brand-900">{t("bulk.selected", { count: chosen.length })}</p>
          <TicketTargetFields idPrefix="bulk" divisions={divisions} divisionId="" state={state} columns />
          <div className="flex flex-wrap gap-2">
            {BULK_ACTIONS.map((value) => (
              <Button
                key={value}
                type="submit"
                name="action"
                value={value}
                size="sm"
                variant={value === "convert" ? "primary" : value === "spam" || value === "delete" ? "danger" : "secondary"}
                pending={pending && pressed === value}
                disabled={pending}
                onClick={() => setPressed(value)}
              >
                {t(`bulk.${value}`)}
              </Button>
            ))}
          </div>
        </div>
      )}
      {(state.error || state.ok) && (
        <div className="px-5 pt-3 sm:px-6">
          <FormAlert
            state={state}
            fields={["divisionId", "teamId"]}
            success={
              state.result &&
              [
                t("bulk.done", { count: state.result.decided }),
                state.result.alreadyDecided > 0 ? t("bulk.skipped", { count: state.result.alreadyDecided }) : "",
              ].join(" ")
            }
          />
        </div>
      )}

      <ul className="divide-y divide-zinc-100">
        {rows.map((row) => (
          <li
            key={row.id}
            data-inbound-email={row.id}
            className="flex items-start gap-4 px-5 py-3.5 sm:px-6 md:items-center"
          >
            <input
              type="checkbox"
              name="ids"
              value={row.id}
              aria-label={t("bulk.selectOne", { subject: row.subject || t("noSubject") })}
              className="mt-1 size-4 shrink-0 rounded border-zinc-300 accent-brand-600 md:mt-0"
              checked={selected.has(row.id)}
              onChange={() => toggle(row.id)}
            />
            <div className="grid min-w-0 flex-1 gap-x-4 gap-y-1 md:grid-cols-12 md:items-center">
              <div className="min-w-0 md:col-span-3">
                {row.from ? (
                  <>
                    <p className="truncate text-sm font-medium text-zinc-900">{row.from.name ?? row.from.address}</p>
                    {row.from.name && <p className="truncate text-xs text-zinc-500">{row.from.address}</p>}
                  </>
                ) : (
                  <p className="text-sm text-zinc-500 italic">{t("noSender")}</p>
                )}
              </div>
              <div className="min-w-0 md:col-span-4">
                <Link
                  href={row.href}
                  className={`block truncate text-sm hover:underline ${row.subject ? "text-zinc-800" : "text-zinc-500 italic"}`}
                >
                  {row.subject || t("noSubject")}
                </Link>
                {row.divisionName && <p className="truncate text-xs text-zinc-500">{row.divisionName}</p>}
              </div>
              <div className="md:col-span-3">
                <Badge tone={row.heldByRule ? "brand" : "neutral"}>{row.reason}</Badge>
              </div>
              <p className="text-xs whitespace-nowrap text-zinc-500 md:col-span-2 md:text-right">
                <time dateTime={row.receivedAt}>{row.received}</time>
              </p>
            </div>
          </li>
        ))}
      </ul>
    </form>
  );
}
