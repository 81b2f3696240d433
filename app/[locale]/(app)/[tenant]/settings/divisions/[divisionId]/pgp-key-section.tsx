"use client";

import { useTranslations } from "next-intl";
import { startTransition, useActionState, useEffect, useState } from "react";
import { Button } from "@/app/_components/button";
import { errorsFor, FormAlert, TextAreaField, TextField } from "@/app/_components/form";
import { FormSection } from "@/app/_components/form-section";
import { Icon } from "@/app/_components/icons";
import { useActionForm } from "@/app/_components/use-action-form";
import type { ActionState } from "@/lib/auth/action";
import { AdminsOnlyNote } from "./admins-only-note";

const FIELDS = ["armoredPrivateKey", "passphrase"];

type SetKeyAction = (
  previous: ActionState<{ fingerprint: string }>,
  input: FormData,
) => Promise<ActionState<{ fingerprint: string }>>;
type ClearKeyAction = (previous: ActionState<void>, input: Record<string, unknown>) => Promise<ActionState<void>>;

/** A fingerprint as people read it out to compare: blocks of four hex digits. */
function groupedFingerprint(fingerprint: string): string {
  return fingerprint.match(/.{1,4}/g)?.join(" ") ?? fingerprint;
}

/**
 * The division's PGP private key, saved apart from the settings form. Only its fingerprint ever
 * reaches the browser; the key form starts empty and keeps what was typed only in the page.
 */
export function PgpKeySection({
  divisionId,
  fingerprint,
  canEdit,
  setAction,
  clearAction,
}: {
  divisionId: string;
  fingerprint: string | null;
  canEdit: boolean;
  setAction: SetKeyAction;
  clearAction: ClearKeyAction;
}) {
  const t = useTranslations("divisionSettings.pgpKey");
  const tSettings = useTranslations("divisionSettings");
  // Here rather than in the key form: a saved key's fingerprint arrives with the action's result,
  // and the form is gone by the time its own effects would run. A saved key is cleared from the
  // page at once; a refused one stays for the user to correct.
  const save = useActionForm(setAction, { resetOnSuccess: true });
  const [removeState, remove, removing] = useActionState(clearAction, {});
  const [replacing, setReplacing] = useState(false);
  const [outcome, setOutcome] = useState<"saved" | "removed" | null>(null);
  /** The outcome of the last save when the form was reopened: its errors belong to an earlier try. */
  const [earlierSave, setEarlierSave] = useState<ActionState<{ fingerprint: string }> | null>(null);

  useEffect(() => {
    if (!save.state.ok) return;
    setReplacing(false);
    setOutcome("saved");
  }, [save.state]);
  useEffect(() => {
    if (removeState.ok) setOutcome("removed");
  }, [removeState]);

  function onRemove() {
    if (!window.confirm(t("removeConfirm"))) return;
    setOutcome(null);
    startTransition(() => remove({ divisionId }));
  }

  const showForm = canEdit && (!fingerprint || replacing);

  return (
    <FormSection title={t("title")} description={t("description")}>
      {!canEdit && <AdminsOnlyNote>{tSettings("onlyAdmins")}</AdminsOnlyNote>}

      {fingerprint ? (
        <div className="space-y-1.5">
          <p className="text-sm font-medium text-zinc-800">{t("fingerprint")}</p>
          <p
            data-testid="pgp-fingerprint"
            className="rounded-lg bg-zinc-50 px-3 py-2 font-mono text-sm tracking-wide text-zinc-900 ring-1 ring-zinc-200 ring-inset"
          >
            {groupedFingerprint(fingerprint)}
          </p>
          <p className="text-xs leading-5 text-zinc-500">{t("active")}</p>
        </div>
      ) : (
        <p className="flex items-center gap-2 text-sm text-zinc-600">
          <Icon name="info" className="size-5 shrink-0 text-zinc-400" />
          {t("none")}
        </p>
      )}

      {outcome && (
        <p role="status" className="flex items-center gap-2 text-sm text-emerald-700">
          <Icon name="checkCircle" className="size-5" />
          {t(outcome)}
        </p>
      )}
      {removeState.error && <FormAlert state={removeState} />}

      {canEdit && fingerprint && !replacing && (
        <div className="flex flex-wrap items-center gap-3">
          <Button
            variant="secondary"
            onClick={() => {
              setOutcome(null);
              setEarlierSave(save.state);
              setReplacing(true);
            }}
          >
            {t("replace")}
          </Button>
          <Button variant="danger" onClick={onRemove} pending={removing}>
            {!removing && <Icon name="trash" className="size-4" />}
            {t("remove")}
          </Button>
        </div>
      )}

      {showForm && (
        <PgpKeyForm
          divisionId={divisionId}
          form={{
            ...save,
            state: save.state === earlierSave ? {} : save.state,
            onSubmit: (event) => {
              setOutcome(null);
              save.onSubmit(event);
            },
          }}
          replacing={replacing}
          onCancel={() => setReplacing(false)}
        />
      )}
    </FormSection>
  );
}

function PgpKeyForm({
  divisionId,
  form: { state, pending, onSubmit, formRef },
  replacing,
  onCancel,
}: {
  divisionId: string;
  form: ReturnType<typeof useActionForm<{ fingerprint: string }>>;
  replacing: boolean;
  onCancel: () => void;
}) {
  const t = useTranslations("divisionSettings.pgpKey");
  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-5">
      <input type="hidden" name="divisionId" value={divisionId} />
      <TextAreaField
        id="armoredPrivateKey"
        name="armoredPrivateKey"
        label={t("fields.armoredPrivateKey.label")}
        help={t("fields.armoredPrivateKey.help")}
        errors={errorsFor(state.fieldErrors, "armoredPrivateKey")}
        rows={8}
        placeholder="-----BEGIN PGP PRIVATE KEY BLOCK-----"
        spellCheck={false}
        autoComplete="off"
        autoCapitalize="off"
        autoCorrect="off"
        autoFocus={replacing}
      />
      <TextField
        id="passphrase"
        name="passphrase"
        type="password"
        autoComplete="new-password"
        label={t("fields.passphrase.label")}
        help={t("fields.passphrase.help")}
        errors={errorsFor(state.fieldErrors, "passphrase")}
        className="max-w-sm"
      />
      {state.error && <FormAlert state={state} fields={FIELDS} />}
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" pending={pending}>
          {replacing ? t("replace") : t("save")}
        </Button>
        {replacing && (
          <Button variant="ghost" onClick={onCancel}>
            {t("cancel")}
          </Button>
        )}
      </div>
    </form>
  );
}
