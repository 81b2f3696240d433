"use client";

import { useTranslations } from "next-intl";
import { Button } from "@/app/_components/button";
import { errorsFor, FormAlert, SelectField } from "@/app/_components/form";
import { useActionForm } from "@/app/_components/use-action-form";
import type { ActionState } from "@/lib/auth/action";
import type { OAuthProviderId } from "@/lib/oauth/providers";

/** The company's required sign-in: any way in, or only one provider. */
export function RequiredSignInForm({
  action,
  providers,
  required,
}: {
  action: (previous: ActionState<void>, input: FormData) => Promise<ActionState<void>>;
  providers: { id: OAuthProviderId; name: string }[];
  required: OAuthProviderId | null;
}) {
  const t = useTranslations("signInSettings");
  const { state, pending, onSubmit, formRef } = useActionForm(action);
  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-4">
      <SelectField
        id="required-sign-in"
        name="requiredSignIn"
        label={t("field")}
        help={t("help")}
        defaultValue={required ?? ""}
        errors={errorsFor(state.fieldErrors, "requiredSignIn")}
      >
        <option value="">{t("anyMethod")}</option>
        {providers.map((provider) => (
          <option key={provider.id} value={provider.id}>
            {t("onlyProvider", { provider: provider.name })}
          </option>
        ))}
      </SelectField>
      <FormAlert state={state} success={t("saved")} fields={["requiredSignIn"]} />
      <Button type="submit" pending={pending}>
        {t("save")}
      </Button>
    </form>
  );
}
