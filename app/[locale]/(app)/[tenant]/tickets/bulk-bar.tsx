"use client";

import { useTranslations } from "next-intl";
import { type ChangeEvent, type ReactNode, useState } from "react";
import { Button, Spinner } from "@/app/_components/button";
import { FormAlert } from "@/app/_components/form";
import type { TicketPriority } from "@/db/schema";
import type { ActionState } from "@/lib/auth/action";
import type { DivisionWithTeams } from "@/lib/teams/teams";
import type { BulkAction } from "@/lib/tickets/bulk";
import type { SettableTicketStatus } from "@/lib/tickets/status";

const selectClasses =
  "rounded-lg border border-zinc-300 bg-white py-1.5 pr-8 pl-2 text-sm text-zinc-800 shadow-xs disabled:opacity-60";

/**
 * What can be done to the selected tickets, shown while some are selected (and, after an action,
 * its outcome). Each menu acts as soon as a choice is made in it; the tag field adds or removes what
 * is typed in it.
 */
export function BulkBar({
  count,
  selectedTickets,
  pending,
  state,
  me,
  members,
  divisionId,
  divisions,
  run,
  onClear,
}: {
  count: number;
  /** The selected tickets of this page: merging picks the one the others go into. */
  selectedTickets: { id: string; label: string }[];
  pending: boolean;
  state: ActionState<{ count: number; changed: number }> | undefined;
  me: string;
  members: { userId: string; name: string }[];
  /** The division the queue shows (null: all), whose teams the move menu lists first. */
  divisionId: string | null;
  divisions: DivisionWithTeams[];
  run: (action: BulkAction) => void;
  onClear: () => void;
}) {
  const t = useTranslations("tickets.bulk");
  const tStatus = useTranslations("ticket.status.set");
  const tPriority = useTranslations("tickets.priorities");
  const [tags, setTags] = useState("");
  if (count === 0 && !state && !pending) return null;

  const typedTags = tags.split(",").map((tag) => tag.trim()).filter(Boolean);
  const disabled = pending || count === 0;

  return (
    <div
      role="region"
      aria-label={t("title")}
      data-bulk-bar
      className="sticky top-0 z-20 space-y-2 border-b border-brand-200 bg-brand-50/95 px-5 py-3 backdrop-blur sm:px-6"
    >
      <div className="flex flex-wrap items-center gap-2">
        <span className="mr-1 text-sm font-semibold text-brand-900" aria-live="polite" data-selected-count={count}>
          {t("selected", { count })}
        </span>
        {pending && (
          <span className="inline-flex items-center gap-1.5 text-sm text-brand-800" role="status">
            <Spinner /> {t("working")}
          </span>
        )}
        <Button size="sm" variant="secondary" disabled={disabled} onClick={() => run({ type: "assign", assigneeId: me })}>
          {t("assignToMe")}
        </Button>
        <ChooseMenu label={t("assign")} name="assign" disabled={disabled} onChoose={(value) => run({ type: "assign", assigneeId: value === "nobody" ? null : value })}>
          <option value="nobody">{t("nobody")}</option>
          {members.map((member) => (
            <option key={member.userId} value={member.userId}>
              {member.name}
            </option>
          ))}
        </ChooseMenu>
        <ChooseMenu label={t("status")} name="status" disabled={disabled} onChoose={(value) => run({ type: "status", status: value as SettableTicketStatus })}>
          {(["open", "on_hold", "closed"] satisfies SettableTicketStatus[]).map((status) => (
            <option key={status} value={status}>
              {tStatus(status)}
            </option>
          ))}
        </ChooseMenu>
        <ChooseMenu label={t("priority")} name="priority" disabled={disabled} onChoose={(value) => run({ type: "priority", priority: value as TicketPriority })}>
          {(["low", "normal", "high", "urgent"] satisfies TicketPriority[]).map((priority) => (
            <option key={priority} value={priority}>
              {tPriority(priority)}
            </option>
          ))}
        </ChooseMenu>
        <ChooseMenu
          label={t("move")}
          name="move"
          disabled={disabled}
          onChoose={(value) => {
            const [target, team] = value.split(":");
            run({ type: "move", divisionId: target!, teamId: team || null });
          }}
        >
          {/* This division's teams first: moving within it keeps the tickets' numbers. */}
          {[...divisions].sort((a, b) => Number(b.id === divisionId) - Number(a.id === divisionId)).map((division) => (
            <optgroup key={division.id} label={`${division.name} (${division.tag})`}>
              <option value={`${division.id}:`}>{t("noTeamIn", { division: division.name })}</option>
              {division.teams.map((team) => (
                <option key={team.id} value={`${division.id}:${team.id}`}>
                  {team.name}
                </option>
              ))}
            </optgroup>
          ))}
        </ChooseMenu>
        <span className="inline-flex items-center gap-1">
          <input
            aria-label={t("tags")}
            placeholder={t("tagsPlaceholder")}
            value={tags}
            onChange={(event) => setTags(event.currentTarget.value)}
            className="w-32 rounded-lg border border-zinc-300 bg-white px-2 py-1.5 text-sm shadow-xs"
            data-bulk="tags"
          />
          <Button size="sm" variant="secondary" disabled={disabled || typedTags.length === 0} onClick={() => run({ type: "tags", add: typedTags, remove: [] })}>
            {t("addTags")}
          </Button>
          <Button size="sm" variant="secondary" disabled={disabled || typedTags.length === 0} onClick={() => run({ type: "tags", add: [], remove: typedTags })}>
            {t("removeTags")}
          </Button>
        </span>
        {selectedTickets.length >= 2 && (
          <ChooseMenu label={t("mergeInto")} name="merge" disabled={disabled} onChoose={(targetId) => run({ type: "merge", targetId })}>
            {selectedTickets.map((ticket) => (
              <option key={ticket.id} value={ticket.id}>
                {ticket.label}
              </option>
            ))}
          </ChooseMenu>
        )}
        <Button size="sm" variant="danger" disabled={disabled} onClick={() => run({ type: "delete" })}>
          {t("delete")}
        </Button>
        {count > 0 && (
          <Button size="sm" variant="ghost" disabled={pending} onClick={onClear}>
            {t("clear")}
          </Button>
        )}
      </div>
      {state && (
        <FormAlert
          state={state}
          success={state.result && t("done", { count: state.result.count, changed: state.result.changed })}
          fields={[]}
        />
      )}
    </div>
  );
}

/** A menu whose first option names it: choosing runs the action, and the menu goes back to its name. */
function ChooseMenu({
  label,
  name,
  disabled,
  onChoose,
  children,
}: {
  label: string;
  name: string;
  disabled: boolean;
  onChoose: (value: string) => void;
  children: ReactNode;
}) {
  function onChange(event: ChangeEvent<HTMLSelectElement>) {
    const value = event.currentTarget.value;
    event.currentTarget.value = "";
    if (value) onChoose(value);
  }
  return (
    <select aria-label={label} data-bulk={name} className={selectClasses} disabled={disabled} defaultValue="" onChange={onChange}>
      <option value="">{label}</option>
      {children}
    </select>
  );
}
