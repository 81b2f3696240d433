"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { errorsFor, FieldErrors, inputClasses } from "@/app/_components/form";
import type { DayHours, WeeklyHours } from "@/db/schema";
import type { FieldErrors as FieldErrorMap } from "@/lib/errors";

const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;
/** What "open on set hours" starts from: a working week. */
const OFFICE_WEEK: WeeklyHours = WEEKDAYS.map((_, index) => (index < 5 ? { start: "09:00", end: "17:00" } : null));

interface DayRow {
  open: boolean;
  start: string;
  end: string;
}

/**
 * A time input knows no 24:00, the end of a day: it shows as 00:00, and a day closing at 00:00 is
 * sent as closing at midnight.
 */
const shownEnd = (end: string) => (end === "24:00" ? "00:00" : end);
const storedEnd = (end: string) => (end === "00:00" ? "24:00" : end);

function rowsOf(hours: WeeklyHours | null): DayRow[] {
  return (hours ?? OFFICE_WEEK).map((day: DayHours) =>
    day ? { open: true, start: day.start, end: shownEnd(day.end) } : { open: false, start: "09:00", end: "17:00" },
  );
}

/**
 * The division's business hours: around the clock, or a row per weekday, Monday first, with its
 * opening and closing time. Sent as one JSON field, `businessHours`, as the settings schema reads
 * it (empty: around the clock). A day's errors show on its row.
 */
export function BusinessHoursField({
  initial,
  fieldErrors,
  label,
  help,
}: {
  initial: WeeklyHours | null;
  fieldErrors: FieldErrorMap | undefined;
  label: string;
  help: string;
}) {
  const t = useTranslations("divisionSettings.serviceLevels");
  const [weekly, setWeekly] = useState(initial !== null);
  const [rows, setRows] = useState(() => rowsOf(initial));
  const value = weekly
    ? JSON.stringify(rows.map((row) => (row.open ? { start: row.start, end: storedEnd(row.end) } : null)))
    : "";
  const change = (index: number, patch: Partial<DayRow>) =>
    setRows((previous) => previous.map((row, at) => (at === index ? { ...row, ...patch } : row)));
  const ownErrors = fieldErrors?.businessHours ?? [];

  return (
    <fieldset className="space-y-3" aria-describedby="businessHours-help">
      <legend className="text-sm font-medium text-zinc-800">{label}</legend>
      <p id="businessHours-help" className="text-xs leading-5 text-zinc-500">
        {help}
      </p>
      <input type="hidden" name="businessHours" value={value} />
      <div className="flex flex-wrap gap-x-6 gap-y-2 text-sm text-zinc-800">
        <label className="flex items-center gap-2">
          <input type="radio" name="businessHoursMode" checked={!weekly} onChange={() => setWeekly(false)} className="accent-brand-600" />
          {t("aroundTheClock")}
        </label>
        <label className="flex items-center gap-2">
          <input type="radio" name="businessHoursMode" checked={weekly} onChange={() => setWeekly(true)} className="accent-brand-600" />
          {t("weekly")}
        </label>
      </div>
      {weekly && (
        <>
          <table className="w-full text-sm">
            <thead className="sr-only">
              <tr>
                <th scope="col">{label}</th>
                <th scope="col">{t("open")}</th>
                <th scope="col">{t("from")}</th>
                <th scope="col">{t("to")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row, index) => {
                const day = t(`weekdays.${WEEKDAYS[index]!}`);
                const errors = errorsFor(fieldErrors, `businessHours.${index}`);
                return (
                  <tr key={WEEKDAYS[index]} data-weekday={WEEKDAYS[index]} className="align-top">
                    <th scope="row" className="py-1.5 pr-3 text-left font-medium text-zinc-700">
                      {day}
                    </th>
                    <td className="py-1.5 pr-3">
                      <label className="flex items-center gap-2 whitespace-nowrap text-zinc-700">
                        <input
                          type="checkbox"
                          checked={row.open}
                          onChange={(event) => change(index, { open: event.target.checked })}
                          className="size-4 rounded border-zinc-300 accent-brand-600"
                        />
                        {row.open ? t("open") : t("closed")}
                      </label>
                    </td>
                    <td className="py-1.5 pr-2">
                      <input
                        type="time"
                        aria-label={`${day}: ${t("from")}`}
                        value={row.start}
                        disabled={!row.open}
                        required={row.open}
                        onChange={(event) => change(index, { start: event.target.value })}
                        aria-invalid={errors.length > 0 || undefined}
                        className={`${inputClasses(errors.length > 0)} py-1`}
                      />
                    </td>
                    <td className="py-1.5">
                      <input
                        type="time"
                        aria-label={`${day}: ${t("to")}`}
                        value={row.end}
                        disabled={!row.open}
                        required={row.open}
                        onChange={(event) => change(index, { end: event.target.value })}
                        aria-invalid={errors.length > 0 || undefined}
                        className={`${inputClasses(errors.length > 0)} py-1`}
                      />
                      <FieldErrors errors={errors} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p className="text-xs text-zinc-500">{t("untilMidnight")}</p>
        </>
      )}
      <FieldErrors id="businessHours-error" errors={ownErrors} />
    </fieldset>
  );
}
