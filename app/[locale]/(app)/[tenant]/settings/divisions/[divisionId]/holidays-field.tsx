"use client";

import { useFormatter, useTranslations } from "next-intl";
import { useState } from "react";
import { buttonClasses } from "@/app/_components/button";
import { FieldErrors, inputClasses } from "@/app/_components/form";
import { Icon } from "@/app/_components/icons";

/**
 * The division's holidays: whole days closed, in its time zone. Each is sent as a `holidays` entry,
 * earliest first; a date is added from a date input and removed by its button.
 */
export function HolidaysField({
  initial,
  errors,
  label,
  help,
}: {
  initial: string[];
  errors: string[];
  label: string;
  help: string;
}) {
  const t = useTranslations("divisionSettings.serviceLevels");
  const format = useFormatter();
  const [days, setDays] = useState(initial);
  const [draft, setDraft] = useState("");
  const add = () => {
    if (!draft) return;
    setDays((previous) => [...new Set([...previous, draft])].sort());
    setDraft("");
  };
  // A day as people read it; the date is a calendar day, so it is read at noon UTC to stay that day.
  const shown = (day: string) => {
    const date = new Date(`${day}T12:00:00Z`);
    return Number.isNaN(date.getTime()) ? day : format.dateTime(date, "date");
  };

  return (
    <fieldset className="space-y-2" aria-describedby="holidays-help">
      <legend className="text-sm font-medium text-zinc-800">{label}</legend>
      <p id="holidays-help" className="text-xs leading-5 text-zinc-500">
        {help}
      </p>
      {days.length === 0 ? (
        <p className="text-sm text-zinc-500">{t("noHolidays")}</p>
      ) : (
        <ul className="flex flex-wrap gap-2">
          {days.map((day) => (
            <li
              key={day}
              data-holiday={day}
              className="inline-flex items-center gap-1 rounded-full bg-zinc-100 py-1 pr-1 pl-3 text-sm text-zinc-800 ring-1 ring-zinc-200 ring-inset"
            >
              <input type="hidden" name="holidays" value={day} />
              {shown(day)}
              <button
                type="button"
                onClick={() => setDays((previous) => previous.filter((other) => other !== day))}
                aria-label={t("removeHoliday", { date: shown(day) })}
                className="rounded-full p-0.5 text-zinc-500 hover:bg-zinc-200 hover:text-zinc-800"
              >
                <Icon name="xCircle" className="size-4" />
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="flex items-end gap-2">
        <label className="block text-xs font-medium text-zinc-500">
          {t("holidayDate")}
          <input
            type="date"
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
            onKeyDown={(event) => {
              // Enter adds the day rather than saving the whole form.
              if (event.key === "Enter") {
                event.preventDefault();
                add();
              }
            }}
            className={`${inputClasses(errors.length > 0)} mt-1 w-44`}
          />
        </label>
        <button type="button" onClick={add} disabled={!draft} className={buttonClasses("secondary", "sm")}>
          <Icon name="plus" className="size-4" />
          {t("addHoliday")}
        </button>
      </div>
      <FieldErrors id="holidays-error" errors={errors} />
    </fieldset>
  );
}
