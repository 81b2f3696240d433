"use client";

import { useTranslations } from "next-intl";
import { Button } from "@/app/_components/button";
import { TextField } from "@/app/_components/form";

/**
 * A port with its "Use defaults" button and the standard port in its help, for the incoming server
 * (`port`) and the outgoing one (`smtpPort`); the section that owns it keeps the value.
 */
export function PortField({
  name,
  value,
  onChange,
  defaultPort,
  onUseDefault,
  errors,
}: {
  name: "port" | "smtpPort";
  value: string;
  onChange: (value: string) => void;
  defaultPort: number;
  onUseDefault: () => void;
  errors: string[];
}) {
  const t = useTranslations("mailboxForm");
  return (
    <div className="flex flex-wrap items-start gap-3">
      <div className="w-40">
        <TextField
          id={name}
          name={name}
          label={t(`fields.${name}.label`)}
          type="number"
          inputMode="numeric"
          min={1}
          max={65535}
          value={value}
          onChange={(event) => onChange(event.target.value)}
          placeholder={String(defaultPort)}
          aria-describedby={errors.length > 0 ? `${name}-help ${name}-error` : `${name}-help`}
          errors={errors}
        />
      </div>
      <Button variant="secondary" onClick={onUseDefault} className="mt-6.5">
        {t(`fields.${name}.useDefaults`)}
      </Button>
      <p id={`${name}-help`} className="basis-full text-xs leading-5 text-zinc-500">
        {t(`fields.${name}.help`, { port: String(defaultPort) })}
      </p>
    </div>
  );
}
