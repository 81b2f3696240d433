"use client";

import { useState } from "react";
import { errorsFor, SelectField } from "@/app/_components/form";
import type { ActionState } from "@/lib/auth/action";
import type { DivisionWithTeams } from "@/lib/teams/teams";

/**
 * Where a ticket goes: a division and one of its teams, the team list following the chosen
 * division. Moving a ticket and converting a held mail both ask this; the fields are `divisionId`
 * and `teamId`. A tenant with one division gets no division menu, only its id.
 */
export function DivisionTeamFields({
  idPrefix,
  divisions,
  divisionId,
  teamId = null,
  labels,
  divisionHelp,
  state,
  columns = false,
}: {
  idPrefix: string;
  divisions: DivisionWithTeams[];
  /** The division chosen at first; "" offers `labels.anyDivision` (each item keeps its own). */
  divisionId: string;
  /** The team chosen at first, while the first division stays chosen. */
  teamId?: string | null;
  labels: { division: string; team: string; noTeam: string; anyDivision?: string };
  /** A word under the division menu for the one chosen (e.g. that a move renumbers the ticket). */
  divisionHelp?: (chosen: string) => string | undefined;
  state: ActionState<unknown>;
  /** Side by side (a wide bar) rather than one under the other (a sidebar). */
  columns?: boolean;
}) {
  const [chosen, setChosen] = useState(divisionId);
  const teams = divisions.find((division) => division.id === chosen)?.teams ?? [];
  const offerAny = divisionId === "" && labels.anyDivision !== undefined;
  return (
    <div className={`grid gap-3 ${columns ? "sm:grid-cols-2" : ""}`}>
      {divisions.length > 1 || offerAny ? (
        <SelectField
          id={`${idPrefix}-division`}
          name="divisionId"
          label={labels.division}
          value={chosen}
          onChange={(event) => setChosen(event.currentTarget.value)}
          help={divisionHelp?.(chosen)}
          errors={errorsFor(state.fieldErrors, "divisionId")}
        >
          {offerAny && <option value="">{labels.anyDivision}</option>}
          {divisions.map((division) => (
            <option key={division.id} value={division.id}>
              {division.name} ({division.tag})
            </option>
          ))}
        </SelectField>
      ) : (
        <input type="hidden" name="divisionId" value={chosen} />
      )}
      <SelectField
        key={chosen}
        id={`${idPrefix}-team`}
        name="teamId"
        label={labels.team}
        defaultValue={chosen === divisionId ? (teamId ?? "") : ""}
        errors={errorsFor(state.fieldErrors, "teamId")}
      >
        <option value="">{labels.noTeam}</option>
        {teams.map((team) => (
          <option key={team.id} value={team.id}>
            {team.name}
          </option>
        ))}
      </SelectField>
    </div>
  );
}
