"use client";

import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { Button } from "@/app/_components/button";
import { errorsFor, FormAlert, TextAreaField, TextField } from "@/app/_components/form";
import { useActionForm } from "@/app/_components/use-action-form";
import type { ActionState } from "@/lib/auth/action";

interface ContactDetails {
  name: string | null;
  organization: string | null;
  notes: string | null;
}

const FIELDS = ["name", "organization", "notes"];

/** A contact's name, organization and notes, as staff keep them. */
export function ContactForm({
  contactId,
  initial,
  action,
}: {
  contactId: string;
  initial: ContactDetails;
  action: (previous: ActionState<ContactDetails>, input: FormData) => Promise<ActionState<ContactDetails>>;
}) {
  const t = useTranslations("contacts.contact.form");
  const { state, pending, onSubmit, formRef } = useActionForm(action);
  const [saved, setSaved] = useState({ values: initial, version: 0 });
  const [dirty, setDirty] = useState(false);

  useEffect(() => {
    if (state.ok && state.result) {
      const values = state.result;
      // The saved values, as stored (trimmed, blank as empty), become the form's.
      setSaved((previous) => ({ values, version: previous.version + 1 }));
      setDirty(false);
    }
  }, [state]);

  const errors = (name: string) => errorsFor(state.fieldErrors, name);
  return (
    <form ref={formRef} onSubmit={onSubmit} onChange={() => setDirty(true)} noValidate className="space-y-4">
      <input type="hidden" name="contactId" value={contactId} />
      <div key={saved.version} className="space-y-4">
        <TextField id="name" name="name" label={t("name")} defaultValue={saved.values.name ?? ""} errors={errors("name")} autoComplete="off" />
        <TextField
          id="organization"
          name="organization"
          label={t("organization")}
          placeholder={t("organizationPlaceholder")}
          defaultValue={saved.values.organization ?? ""}
          errors={errors("organization")}
          autoComplete="off"
        />
        <TextAreaField
          id="notes"
          name="notes"
          label={t("notes")}
          help={t("notesHelp")}
          rows={6}
          defaultValue={saved.values.notes ?? ""}
          errors={errors("notes")}
        />
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" pending={pending}>
          {t("save")}
        </Button>
        <div className="min-w-0 flex-1">
          <FormAlert state={dirty ? undefined : state} fields={FIELDS} success={t("saved")} />
        </div>
      </div>
    </form>
  );
}
