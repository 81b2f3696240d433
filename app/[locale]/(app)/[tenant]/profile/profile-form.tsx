"use client";

import { useLocale, useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { Button } from "@/app/_components/button";
import { errorsFor, FormAlert, SelectField, TextAreaField, TextField } from "@/app/_components/form";
import { FormSection } from "@/app/_components/form-section";
import { useActionForm } from "@/app/_components/use-action-form";
import type { ActionState } from "@/lib/auth/action";
import { usePathname, useRouter } from "@/lib/i18n/navigation";
import { locales } from "@/lib/i18n/routing";
import type { Profile } from "@/lib/users/profile";

const FIELDS = ["name", "locale", "signatureHtml", "signatureText"];

/**
 * One's name, language and the signature under one's replies. A new language takes effect at once:
 * the page opens again in it.
 */
export function ProfileForm({
  initial,
  limits,
  action,
}: {
  initial: Profile;
  limits: { html: number; text: number };
  action: (previous: ActionState<Profile>, input: FormData) => Promise<ActionState<Profile>>;
}) {
  const t = useTranslations("profile.details");
  const tLanguage = useTranslations("language");
  const locale = useLocale();
  const router = useRouter();
  const pathname = usePathname();
  const { state, pending, onSubmit, formRef } = useActionForm(action);
  const [saved, setSaved] = useState({ values: initial, version: 0 });
  const [dirty, setDirty] = useState(false);

  useEffect(() => {
    if (!state.ok || !state.result) return;
    const values = state.result;
    // Shown as stored: the HTML signature as the sanitizer left it.
    setSaved((previous) => ({ values, version: previous.version + 1 }));
    setDirty(false);
    if (values.locale !== locale) router.replace(pathname, { locale: values.locale });
  }, [state, locale, pathname, router]);

  return (
    <form ref={formRef} onSubmit={onSubmit} onChange={() => setDirty(true)} noValidate>
      <FormSection title={t("title")} description={t("description")}>
        <div key={saved.version} className="space-y-5">
          <div className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_12rem]">
            <TextField
              id="profile-name"
              name="name"
              autoComplete="name"
              label={t("name")}
              defaultValue={saved.values.name}
              errors={errorsFor(state.fieldErrors, "name")}
            />
            <SelectField
              id="profile-locale"
              name="locale"
              label={t("language")}
              defaultValue={saved.values.locale}
              errors={errorsFor(state.fieldErrors, "locale")}
            >
              {locales.map((option) => (
                <option key={option} value={option}>
                  {tLanguage(`name.${option}`)}
                </option>
              ))}
            </SelectField>
          </div>
          <TextAreaField
            id="profile-signature-text"
            name="signatureText"
            rows={4}
            maxLength={limits.text}
            label={t("signatureText")}
            help={t("signatureTextHelp")}
            defaultValue={saved.values.signatureText}
            errors={errorsFor(state.fieldErrors, "signatureText")}
          />
          <TextAreaField
            id="profile-signature-html"
            name="signatureHtml"
            rows={5}
            maxLength={limits.html}
            label={t("signatureHtml")}
            help={t("signatureHtmlHelp")}
            defaultValue={saved.values.signatureHtml}
            errors={errorsFor(state.fieldErrors, "signatureHtml")}
          />
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
