"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { Button } from "@/app/_components/button";
import { CheckboxField, errorsFor, FormAlert, TextField } from "@/app/_components/form";
import { useActionForm } from "@/app/_components/use-action-form";
import type { ActionState } from "@/lib/auth/action";
import type { DecisionResult } from "@/lib/inbound/waiting-decisions";
import type { DivisionWithTeams } from "@/lib/teams/teams";
import type { TicketChoice } from "@/lib/tickets/search";
import { DivisionTeamFields } from "../../division-team-fields";

type FormAction<R> = (previous: ActionState<R>, input: FormData) => Promise<ActionState<R>>;

/** The division and team a new ticket goes to, for the entry page and the list's bulk bar alike. */
export function TicketTargetFields({
  idPrefix,
  divisions,
  divisionId,
  state,
  columns = false,
}: {
  idPrefix: string;
  divisions: DivisionWithTeams[];
  /** "" offers "each email's own division" (the bulk bar, over entries of several divisions). */
  divisionId: string;
  state: ActionState<unknown>;
  columns?: boolean;
}) {
  const t = useTranslations("waitingList.actions.convert");
  return (
    <DivisionTeamFields
      idPrefix={idPrefix}
      divisions={divisions}
      divisionId={divisionId}
      labels={{ division: t("division"), team: t("team"), noTeam: t("noTeam"), anyDivision: t("ownDivision") }}
      state={state}
      columns={columns}
    />
  );
}

/** Convert, or register the sender and convert: one form, the button pressed says which. */
export function ConvertForm({
  entryId,
  divisions,
  divisionId,
  hasSender,
  action,
}: {
  entryId: string;
  divisions: DivisionWithTeams[];
  divisionId: string;
  hasSender: boolean;
  action: FormAction<DecisionResult>;
}) {
  const t = useTranslations("waitingList.actions.convert");
  const { state, pending, onSubmit } = useActionForm(action);
  const [pressed, setPressed] = useState<string | null>(null);
  return (
    <form onSubmit={onSubmit} className="space-y-3" aria-label={t("title")}>
      <input type="hidden" name="id" value={entryId} />
      <TicketTargetFields idPrefix="convert" divisions={divisions} divisionId={divisionId} state={state} />
      <div className="flex flex-wrap gap-2">
        <Button type="submit" pending={pending && pressed === "convert"} disabled={pending} onClick={() => setPressed("convert")}>
          {t("submit")}
        </Button>
        {hasSender && (
          <Button
            type="submit"
            name="register"
            value="true"
            variant="secondary"
            pending={pending && pressed === "register"}
            disabled={pending}
            onClick={() => setPressed("register")}
          >
            {t("register")}
          </Button>
        )}
      </div>
      {hasSender && <p className="text-xs text-zinc-500">{t("registerHelp")}</p>}
      <FormAlert state={state} fields={["divisionId", "teamId"]} />
    </form>
  );
}

/** Find a ticket by number or subject, then put the mail on it. */
export function AttachForm({
  entryId,
  searchAction,
  attachAction,
}: {
  entryId: string;
  searchAction: FormAction<TicketChoice[]>;
  attachAction: FormAction<DecisionResult>;
}) {
  const t = useTranslations("waitingList.actions.attach");
  const search = useActionForm(searchAction);
  const attach = useActionForm(attachAction);
  const found = search.state.ok ? (search.state.result ?? []) : null;
  return (
    <div className="space-y-3">
      <form onSubmit={search.onSubmit} role="search" className="flex items-end gap-2">
        <div className="min-w-0 flex-1">
          <TextField
            id="attach-query"
            name="query"
            label={t("query")}
            placeholder={t("placeholder")}
            errors={errorsFor(search.state.fieldErrors, "query")}
          />
        </div>
        <Button type="submit" variant="secondary" pending={search.pending}>
          {t("search")}
        </Button>
      </form>
      {found && found.length === 0 && <p className="text-sm text-zinc-500">{t("noResults")}</p>}
      {found && found.length > 0 && (
        <form onSubmit={attach.onSubmit}>
          <input type="hidden" name="id" value={entryId} />
          <ul className="divide-y divide-zinc-100 rounded-lg ring-1 ring-zinc-200">
            {found.map((ticket) => (
              <li key={ticket.id} className="flex items-center justify-between gap-3 px-3 py-2">
                <span className="min-w-0 truncate text-sm">
                  <span className="font-mono text-zinc-500">
                    [{ticket.divisionTag}#{ticket.number}]
                  </span>{" "}
                  {ticket.subject}
                </span>
                <Button type="submit" name="ticketId" value={ticket.id} size="sm" variant="secondary" pending={attach.pending}>
                  {t("submit")}
                </Button>
              </li>
            ))}
          </ul>
        </form>
      )}
      <FormAlert state={search.state.error ? search.state : attach.state} fields={["query"]} />
    </div>
  );
}

export function SpamForm({
  entryId,
  domain,
  action,
}: {
  entryId: string;
  /** The sender's domain, which the member may block too; null for a mail with no sender. */
  domain: string | null;
  action: FormAction<DecisionResult & { blockedDomain: string | null }>;
}) {
  const t = useTranslations("waitingList.actions.spam");
  const { state, pending, onSubmit } = useActionForm(action);
  return (
    <form onSubmit={onSubmit} className="space-y-3">
      <input type="hidden" name="id" value={entryId} />
      {domain && <CheckboxField id="spam-block-domain" name="blockDomain" label={t("blockDomain", { domain })} help={t("blockDomainHelp")} />}
      <Button type="submit" variant="danger" pending={pending}>
        {t("submit")}
      </Button>
      <FormAlert state={state} />
    </form>
  );
}

/** A decision with nothing to choose (release, delete): one button, and what happened. */
export function OneClickForm({
  entryId,
  label,
  variant,
  success,
  action,
}: {
  entryId: string;
  label: string;
  variant: "secondary" | "danger";
  /** Shown when the entry stays on the page after it (a release the rules hold again). */
  success?: string;
  action: FormAction<DecisionResult>;
}) {
  const { state, pending, onSubmit } = useActionForm(action);
  return (
    <form onSubmit={onSubmit} className="space-y-3">
      <input type="hidden" name="id" value={entryId} />
      <Button type="submit" variant={variant} pending={pending}>
        {label}
      </Button>
      <FormAlert state={state} success={state.result?.outcome === "waiting_list" ? success : undefined} />
    </form>
  );
}
