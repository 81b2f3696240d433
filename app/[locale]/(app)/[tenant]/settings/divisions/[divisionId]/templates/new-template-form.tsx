"use client";

import { useTranslations } from "next-intl";
import { useEffect } from "react";
import { Button } from "@/app/_components/button";
import { CardBody } from "@/app/_components/card";
import { errorsFor, FormAlert, SelectField } from "@/app/_components/form";
import { Icon } from "@/app/_components/icons";
import { useActionForm } from "@/app/_components/use-action-form";
import type { ActionState } from "@/lib/auth/action";
import { useRouter } from "@/lib/i18n/navigation";
import type { Locale } from "@/lib/i18n/routing";
import type { TemplateKind } from "@/lib/templates/defaults";

/** Kind and language of a new template; it starts as the built-in text and opens in the editor. */
export function NewTemplateForm({
  divisionId,
  kinds,
  locales,
  defaultLocale,
  listHref,
  action,
}: {
  divisionId: string;
  kinds: TemplateKind[];
  locales: Locale[];
  defaultLocale?: Locale;
  listHref: string;
  action: (previous: ActionState<{ id: string }>, input: FormData) => Promise<ActionState<{ id: string }>>;
}) {
  const t = useTranslations("templates");
  const tLanguage = useTranslations("language.name");
  const router = useRouter();
  const { state, pending, onSubmit, formRef } = useActionForm(action);

  useEffect(() => {
    if (state.ok && state.result) router.push(`${listHref}/${state.result.id}`);
  }, [state, listHref, router]);

  return (
    <CardBody>
      <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-4">
        <input type="hidden" name="divisionId" value={divisionId} />
        <div className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_12rem_auto] sm:items-start">
          <SelectField id="new-template-kind" name="kind" label={t("create.kind")} errors={errorsFor(state.fieldErrors, "kind")}>
            {kinds.map((kind) => (
              <option key={kind} value={kind}>
                {t(`kinds.${kind}.title`)}
              </option>
            ))}
          </SelectField>
          <SelectField
            id="new-template-locale"
            name="locale"
            label={t("create.locale")}
            defaultValue={defaultLocale}
            errors={errorsFor(state.fieldErrors, "locale")}
          >
            {locales.map((locale) => (
              <option key={locale} value={locale}>
                {tLanguage(locale)}
              </option>
            ))}
          </SelectField>
          <div className="sm:pt-6.5">
            <Button type="submit" pending={pending} className="w-full">
              <Icon name="plus" className="size-4" />
              {t("create.submit")}
            </Button>
          </div>
        </div>
        <FormAlert state={state} fields={["kind", "locale"]} />
      </form>
    </CardBody>
  );
}
