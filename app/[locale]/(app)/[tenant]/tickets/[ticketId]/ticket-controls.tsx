"use client";

import { useTranslations } from "next-intl";
import { Button } from "@/app/_components/button";
import { errorsFor, FormAlert, SelectField } from "@/app/_components/form";
import { useActionForm } from "@/app/_components/use-action-form";
import type { TicketStatus } from "@/db/schema";
import type { ActionState } from "@/lib/auth/action";
import type { DivisionWithTeams } from "@/lib/teams/teams";
import type { SettableTicketStatus } from "@/lib/tickets/status";
import { DivisionTeamFields } from "../../division-team-fields";

type FormAction<R> = (previous: ActionState<R>, input: FormData) => Promise<ActionState<R>>;

const STATUS_BUTTONS: SettableTicketStatus[] = ["open", "on_hold", "closed"];

/** Open, on hold, closed: one click each; the current status is pressed. */
export function StatusControl({
  ticketId,
  status,
  action,
}: {
  ticketId: string;
  status: TicketStatus;
  action: FormAction<{ status: TicketStatus }>;
}) {
  const t = useTranslations("ticket.status");
  const { state, pending, onSubmit } = useActionForm(action);
  return (
    <form onSubmit={onSubmit} className="space-y-2">
      <input type="hidden" name="ticketId" value={ticketId} />
      <div role="group" aria-label={t("label")} className="flex flex-wrap gap-2">
        {STATUS_BUTTONS.map((value) => {
          const current = value === status;
          return (
            <Button
              key={value}
              type="submit"
              name="status"
              value={value}
              size="sm"
              variant={current ? "primary" : "secondary"}
              aria-pressed={current}
              disabled={current || pending}
              data-shortcut={value === "closed" ? "close" : undefined}
            >
              {t(`set.${value}`)}
            </Button>
          );
        })}
      </div>
      {state.error && <FormAlert state={state} />}
    </form>
  );
}

/** Give the ticket to a member, to nobody, or take it yourself. */
export function AssignControl({
  ticketId,
  assigneeId,
  me,
  members,
  action,
}: {
  ticketId: string;
  assigneeId: string | null;
  me: string;
  /** Active members; a deactivated one only as the ticket's current assignee. */
  members: { userId: string; name: string; email: string; deactivated?: boolean }[];
  action: FormAction<void>;
}) {
  const t = useTranslations("ticket.assign");
  const { state, pending, onSubmit } = useActionForm(action);
  const take = useActionForm(action);
  return (
    <div className="space-y-2">
      <form onSubmit={onSubmit} className="space-y-2">
        <input type="hidden" name="ticketId" value={ticketId} />
        <SelectField
          key={assigneeId ?? "nobody"}
          id="assigneeId"
          name="assigneeId"
          label={t("label")}
          defaultValue={assigneeId ?? ""}
          errors={errorsFor(state.fieldErrors, "assigneeId")}
        >
          <option value="">{t("nobody")}</option>
          {members.map((member) => (
            <option key={member.userId} value={member.userId}>
              {member.deactivated ? t("deactivatedMember", { name: member.name }) : `${member.name} (${member.email})`}
            </option>
          ))}
        </SelectField>
        <div className="flex flex-wrap gap-2">
          <Button type="submit" size="sm" variant="secondary" pending={pending}>
            {t("submit")}
          </Button>
        </div>
        <FormAlert state={state} success={t("saved")} fields={["assigneeId"]} />
      </form>
      {assigneeId !== me && (
        <form onSubmit={take.onSubmit}>
          <input type="hidden" name="ticketId" value={ticketId} />
          <input type="hidden" name="assigneeId" value={me} />
          <Button type="submit" size="sm" variant="ghost" pending={take.pending} data-shortcut="assign-to-me">
            {t("toMe")}
          </Button>
          {take.state.error && <FormAlert state={take.state} />}
        </form>
      )}
    </div>
  );
}

/** Another team of the division, or another division (the team list follows the chosen division). */
export function MoveControl({
  ticketId,
  divisionId,
  teamId,
  divisions,
  action,
}: {
  ticketId: string;
  divisionId: string;
  teamId: string | null;
  divisions: DivisionWithTeams[];
  action: FormAction<{ divisionId: string; number: number }>;
}) {
  const t = useTranslations("ticket.move");
  const { state, pending, onSubmit } = useActionForm(action);
  return (
    <form key={`${divisionId}:${teamId}`} onSubmit={onSubmit} className="space-y-3">
      <input type="hidden" name="ticketId" value={ticketId} />
      <DivisionTeamFields
        idPrefix="move"
        divisions={divisions}
        divisionId={divisionId}
        teamId={teamId}
        labels={{ division: t("division"), team: t("team"), noTeam: t("noTeam") }}
        divisionHelp={(chosen) => (chosen !== divisionId ? t("newNumber") : undefined)}
        state={state}
      />
      <Button type="submit" size="sm" variant="secondary" pending={pending}>
        {t("submit")}
      </Button>
      <FormAlert state={state} success={t("moved")} fields={["divisionId", "teamId"]} />
    </form>
  );
}
