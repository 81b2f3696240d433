"use client";

import { useTranslations } from "next-intl";
import { Button } from "@/app/_components/button";
import { errorsFor, FormAlert, SelectField } from "@/app/_components/form";
import { useActionForm } from "@/app/_components/use-action-form";
import type { ActionState } from "@/lib/auth/action";

/** Whether the company requires two-step verification of members who sign in with a password. */
export function RequireTwoFactorForm({
  action,
  required,
}: {
  action: (previous: ActionState<void>, input: FormData) => Promise<ActionState<void>>;
  required: boolean;
}) {
  const t = useTranslations("signInSettings.twoStep");
  const { state, pending, onSubmit, formRef } = useActionForm(action);
  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-4">
      <SelectField
        id="require-two-factor"
        name="requireTwoFactor"
        label={t("field")}
        help={t("help")}
        defaultValue={required ? "on" : "off"}
        errors={errorsFor(state.fieldErrors, "requireTwoFactor")}
      >
        <option value="off">{t("optionOff")}</option>
        <option value="on">{t("optionOn")}</option>
      </SelectField>
      <FormAlert state={state} success={t("saved")} fields={["requireTwoFactor"]} />
      <Button type="submit" pending={pending}>
        {t("save")}
      </Button>
    </form>
  );
}
