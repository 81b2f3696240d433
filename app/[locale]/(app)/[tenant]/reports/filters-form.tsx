"use client";

import { useTranslations } from "next-intl";
import { type FormEvent, useState, useTransition } from "react";
import { Button } from "@/app/_components/button";
import { useRouter } from "@/lib/i18n/navigation";
import { type RangePreset, type ReportFilters, rangePresets, reportsHref } from "./report-filters";

const fieldClasses = "mt-1 block w-full rounded-lg border border-zinc-300 bg-white px-2 py-1.5 text-sm text-zinc-900 shadow-xs";

interface DivisionOption {
  id: string;
  name: string;
  teams: { id: string; name: string }[];
}

/**
 * Division, team and period. A GET form, so it works before script loads; with script it goes to a
 * clean address (no empty fields) and shows the report being worked out. The team list follows the
 * division chosen; custom dates appear when "Custom dates" is chosen.
 */
export function FiltersForm({
  action,
  slug,
  divisions,
  filters,
}: {
  action: string;
  slug: string;
  divisions: DivisionOption[];
  filters: ReportFilters;
}) {
  const t = useTranslations("reports.filters");
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [divisionId, setDivisionId] = useState(filters.divisionId ?? "");
  const [teamId, setTeamId] = useState(filters.teamId ?? "");
  const [range, setRange] = useState<RangePreset>(filters.range);
  const shownDivisions = divisionId ? divisions.filter((division) => division.id === divisionId) : divisions;
  const teams = shownDivisions.flatMap((division) =>
    division.teams.map((team) => ({ id: team.id, name: divisionId ? team.name : `${division.name} · ${team.name}` })),
  );

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const href = reportsHref(slug, {
      divisionId: divisionId || undefined,
      teamId: teamId || undefined,
      range,
      from: String(form.get("from") ?? ""),
      to: String(form.get("to") ?? ""),
    });
    startTransition(() => router.push(href));
  };

  return (
    <form method="get" action={action} onSubmit={submit} aria-label={t("label")} className="mb-4 flex flex-wrap items-end gap-3 print:hidden">
      {divisions.length > 1 && (
        <label className="block min-w-44 text-sm font-medium text-zinc-700">
          {t("division")}
          <select
            name="division"
            value={divisionId}
            onChange={(event) => {
              const next = event.target.value;
              setDivisionId(next);
              // A team of another division would narrow the report to nothing.
              if (next && !divisions.find((division) => division.id === next)?.teams.some((team) => team.id === teamId)) setTeamId("");
            }}
            className={fieldClasses}
          >
            <option value="">{t("allDivisions")}</option>
            {divisions.map((division) => (
              <option key={division.id} value={division.id}>
                {division.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <label className="block min-w-44 text-sm font-medium text-zinc-700">
        {t("team")}
        <select name="team" value={teamId} onChange={(event) => setTeamId(event.target.value)} className={fieldClasses}>
          <option value="">{t("allTeams")}</option>
          {teams.map((team) => (
            <option key={team.id} value={team.id}>
              {team.name}
            </option>
          ))}
        </select>
      </label>
      <label className="block min-w-44 text-sm font-medium text-zinc-700">
        {t("range")}
        <select name="range" value={range} onChange={(event) => setRange(event.target.value as RangePreset)} className={fieldClasses}>
          {rangePresets.map((preset) => (
            <option key={preset} value={preset}>
              {t(`ranges.${preset}`)}
            </option>
          ))}
        </select>
      </label>
      {range === "custom" && (
        <>
          <label className="block text-sm font-medium text-zinc-700">
            {t("from")}
            <input type="date" name="from" required defaultValue={filters.from} className={fieldClasses} />
          </label>
          <label className="block text-sm font-medium text-zinc-700">
            {t("to")}
            <input type="date" name="to" required defaultValue={filters.to} className={fieldClasses} />
          </label>
        </>
      )}
      <Button type="submit" pending={pending}>
        {t("apply")}
      </Button>
    </form>
  );
}
