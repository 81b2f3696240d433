"use client";

import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { Button } from "@/app/_components/button";
import { CheckboxField, errorsFor, FormAlert } from "@/app/_components/form";
import { FormSection } from "@/app/_components/form-section";
import { useActionForm } from "@/app/_components/use-action-form";
import type { ActionState } from "@/lib/auth/action";
import type { NotificationPreferences } from "@/lib/users/preferences";

const FIELDS: (keyof NotificationPreferences)[] = ["notifyUnprocessed", "notifyNewTicket", "notifyAssignment"];

export function NotificationPreferencesForm({
  initial,
  action,
}: {
  initial: NotificationPreferences;
  action: (
    previous: ActionState<NotificationPreferences>,
    input: FormData,
  ) => Promise<ActionState<NotificationPreferences>>;
}) {
  const t = useTranslations("profile.notifications");
  const { state, pending, onSubmit, formRef } = useActionForm(action);
  const [saved, setSaved] = useState({ values: initial, version: 0 });
  const [dirty, setDirty] = useState(false);

  useEffect(() => {
    if (state.ok && state.result) {
      const values = state.result;
      setSaved((previous) => ({ values, version: previous.version + 1 }));
      setDirty(false);
    }
  }, [state]);

  return (
    <form ref={formRef} onSubmit={onSubmit} onChange={() => setDirty(true)} noValidate>
      <FormSection title={t("title")} description={t("description")}>
        <div key={saved.version} className="space-y-5">
          {FIELDS.map((name) => (
            <CheckboxField
              key={name}
              id={name}
              name={name}
              label={t(`fields.${name}.label`)}
              help={t(`fields.${name}.help`)}
              errors={errorsFor(state.fieldErrors, name)}
              defaultChecked={saved.values[name]}
            />
          ))}
        </div>
        <div className="flex flex-wrap items-center gap-4 border-t border-zinc-100 pt-5">
          <Button type="submit" pending={pending}>
            {t("save")}
          </Button>
          <div className="min-w-0 flex-1">
            <FormAlert state={dirty ? undefined : state} fields={FIELDS} success={t("saved")} />
          </div>
        </div>
      </FormSection>
    </form>
  );
}
