"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { errorsFor, SelectField, TextField } from "@/app/_components/form";
import { FormSection } from "@/app/_components/form-section";
import type { DivisionSettings } from "@/lib/divisions/settings";
import type { FieldErrors as FieldErrorMap } from "@/lib/errors";
import { useDuration } from "../../../tickets/use-duration";
import { BusinessHoursField } from "./business-hours-field";
import { HolidaysField } from "./holidays-field";

type ServiceLevelName =
  | "timeZone"
  | "businessHours"
  | "holidays"
  | "firstResponseTargetMinutes"
  | "resolutionTargetMinutes"
  | "escalateBeforeMinutes";

export const SERVICE_LEVEL_FIELDS: ServiceLevelName[] = [
  "timeZone",
  "businessHours",
  "holidays",
  "firstResponseTargetMinutes",
  "resolutionTargetMinutes",
  "escalateBeforeMinutes",
];

/**
 * The division's service levels: the clock they count on (time zone, business hours, holidays) and
 * the targets, in business minutes, each with its length in words beside it.
 */
export function ServiceLevelsSection({
  values,
  fieldErrors,
  timeZones,
}: {
  values: Pick<DivisionSettings, ServiceLevelName>;
  fieldErrors: FieldErrorMap | undefined;
  /** The zones offered: what the server's Intl knows, with the stored one kept. */
  timeZones: string[];
}) {
  const t = useTranslations("divisionSettings");
  const field = (name: ServiceLevelName) => ({
    id: name,
    name,
    label: t(`fields.${name}.label`),
    help: t(`fields.${name}.help`),
    errors: errorsFor(fieldErrors, name),
  });

  return (
    <FormSection title={t("sections.serviceLevels.title")} description={t("sections.serviceLevels.description")}>
      <SelectField {...field("timeZone")} defaultValue={values.timeZone}>
        {[...new Set([values.timeZone, ...timeZones])].sort().map((zone) => (
          <option key={zone} value={zone}>
            {zone.replaceAll("_", " ")}
          </option>
        ))}
      </SelectField>
      <BusinessHoursField
        initial={values.businessHours}
        fieldErrors={fieldErrors}
        label={t("fields.businessHours.label")}
        help={t("fields.businessHours.help")}
      />
      <HolidaysField
        initial={values.holidays}
        errors={errorsFor(fieldErrors, "holidays")}
        label={t("fields.holidays.label")}
        help={t("fields.holidays.help")}
      />
      <div className="grid gap-5 sm:grid-cols-2">
        <TargetField {...field("firstResponseTargetMinutes")} initial={values.firstResponseTargetMinutes} />
        <TargetField {...field("resolutionTargetMinutes")} initial={values.resolutionTargetMinutes} />
      </div>
      <TextField
        {...field("escalateBeforeMinutes")}
        type="number"
        inputMode="numeric"
        min={1}
        max={10_080}
        defaultValue={values.escalateBeforeMinutes}
        className="max-w-40"
      />
    </FormSection>
  );
}

/** A target in minutes, read back in hours and minutes of business time as it is typed; empty is no target. */
function TargetField({
  initial,
  ...field
}: { initial: number | null } & { id: string; name: string; label: string; help: string; errors: string[] }) {
  const t = useTranslations("divisionSettings.serviceLevels");
  const duration = useDuration();
  const [text, setText] = useState(initial === null ? "" : String(initial));
  const minutes = Number(text);
  const preview =
    text.trim() === "" ? t("noTarget") : Number.isInteger(minutes) && minutes > 0 ? t("targetPreview", { duration: duration(minutes, { days: false }) }) : null;
  return (
    <div className="space-y-1">
      <TextField
        {...field}
        type="number"
        inputMode="numeric"
        min={1}
        max={525_600}
        value={text}
        onChange={(event) => setText(event.target.value)}
        placeholder={t("noTarget")}
        className="max-w-40"
      />
      {preview && (
        <p className="text-xs font-medium text-zinc-600" data-target-preview={field.name} aria-live="polite">
          {preview}
        </p>
      )}
    </div>
  );
}
