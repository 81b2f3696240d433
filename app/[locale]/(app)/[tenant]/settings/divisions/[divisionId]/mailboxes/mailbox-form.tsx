"use client";

import { useTranslations } from "next-intl";
import { type ReactNode, useCallback, useEffect, useState } from "react";
import { SaveBar } from "@/app/_components/save-bar";
import { useActionForm } from "@/app/_components/use-action-form";
import type { ActionState } from "@/lib/auth/action";
import type { FieldErrors } from "@/lib/errors";
import type { OAuthProviderId } from "@/lib/oauth/providers";
import { useRouter } from "@/lib/i18n/navigation";
import type { CheckOutcome, MailboxConnectionTestResult } from "@/lib/mailboxes/connection-check";
import type { OwnershipChoices } from "@/lib/mailboxes/mailboxes";
import { defaultInboundPort } from "@/lib/mailboxes/ports";
import { AdminsOnlyNote } from "../admins-only-note";
import type { TestedServer } from "./connection-outcome";
import type { MailboxFormValues } from "./form-values";
import { FIELDS_OF, type Security } from "./mailbox-form-fields";
import { FoldersSection } from "./mailbox-form-folders";
import { OAuthSignIn } from "./mailbox-oauth";
import { GeneralSection } from "./mailbox-form-general";
import { OwnershipSection } from "./mailbox-form-ownership";
import { OutgoingSection } from "./mailbox-form-outgoing";
import { Pop3Section } from "./mailbox-form-pop3";
import { ServerSection } from "./mailbox-form-server";
import { SignInSection } from "./mailbox-form-sign-in";
import { TestSection } from "./mailbox-form-test";

type FormAction<R> = (previous: ActionState<R>, input: FormData) => Promise<ActionState<R>>;

export function MailboxForm({
  divisionId,
  mailboxId,
  replacesId,
  initial,
  hasPassword,
  hasSmtpPassword,
  protocolLockedSince,
  canEdit,
  saveAction,
  testAction,
  foldersAction,
  createFolderAction,
  listHref,
  oauth,
  connectNew,
  signsInWithAccount = false,
  ownershipChoices,
}: {
  divisionId: string;
  /** Set when editing a saved mailbox; absent for a new one. */
  mailboxId?: string;
  /** A new mailbox that replaces this one ("Replace with IMAP…"): saved, it takes the old one's place. */
  replacesId?: string;
  initial: MailboxFormValues;
  hasPassword: boolean;
  /** Whether a password of the SMTP server's own is stored: an empty field then keeps it. */
  hasSmtpPassword: boolean;
  /** When the first email was downloaded, formatted: from then on the protocol is fixed. */
  protocolLockedSince: string | null;
  canEdit: boolean;
  saveAction: FormAction<MailboxFormValues>;
  /** Tests the incoming server and, when one is named, the outgoing one. */
  testAction: FormAction<MailboxConnectionTestResult>;
  foldersAction: FormAction<CheckOutcome>;
  createFolderAction: FormAction<CheckOutcome>;
  /** Where a new mailbox's form goes once it is saved. */
  listHref: string;
  /** The sign-in section's "Connect with …" part. */
  oauth?: ReactNode;
  /**
   * A new mailbox's "Connect with …", when providers are configured: the mailbox is created from the
   * form and the provider's servers, with no password, and the browser goes to the provider.
   */
  connectNew?: {
    providers: { id: OAuthProviderId; name: string }[];
    locale: string;
    connectAction: (previous: ActionState, input: FormData) => Promise<ActionState>;
  };
  /** Connected through OAuth2: it signs in with the account, and a password would not be used. */
  signsInWithAccount?: boolean;
  /** The teams and members "belongs to" and the default assignee may name. */
  ownershipChoices: OwnershipChoices;
}) {
  const t = useTranslations("mailboxForm");
  const tMailboxes = useTranslations("mailboxes");
  const router = useRouter();
  const { state, pending, onSubmit, formRef } = useActionForm(saveAction);
  const [saved, setSaved] = useState({ values: initial, version: 0 });
  const [dirty, setDirty] = useState(false);
  /** Chosen in the server section, held here: it decides which sections show and which fields count. */
  const [protocol, setProtocol] = useState(initial.protocol);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors | undefined>();
  /** The server's folders, once loaded by a test, "Load folders" or a created folder. */
  const [serverFolders, setServerFolders] = useState<string[] | null>(null);
  /** The server as typed when the last check of any kind started, for the hints of the folder checks. */
  const [checkedServer, setCheckedServer] = useState<TestedServer | null>(null);

  useEffect(() => {
    if (state.error) setFieldErrors(state.fieldErrors);
    if (!state.ok || !state.result) return;
    if (!mailboxId) {
      router.push(listHref);
      return;
    }
    // The fields show the values as stored (an address lower-cased, an empty port as the default).
    const values = state.result;
    setSaved((previous) => ({ values, version: previous.version + 1 }));
    setProtocol(values.protocol);
    setFieldErrors(undefined);
    setDirty(false);
  }, [state, mailboxId, listHref, router]);

  // The connection checks validate the same fields as a save: their complaints show next to them
  // too, and whichever check got the server's folders last offers them. Stable, as the sections
  // call it from effects.
  const absorbCheck = useCallback((checked: ActionState<unknown>, result: CheckOutcome | undefined) => {
    if (checked.error) setFieldErrors(checked.fieldErrors);
    if (checked.ok) setFieldErrors(undefined);
    if (checked.ok && result?.ok && result.folders) setServerFolders(result.folders);
  }, []);

  /**
   * The form's current values for a connection check, remembering which server they name. Port and
   * security are read as typed, from the server section's fields.
   */
  function startCheck(): { data: FormData; inbound: TestedServer } {
    const data = new FormData(formRef.current ?? undefined);
    const inbound: TestedServer = {
      protocol,
      host: String(data.get("host") ?? "").trim(),
      port: Number(data.get("port")) || defaultInboundPort(protocol, data.get("security") as Security),
      seconds: Number(data.get("connectTimeoutSeconds")) || 30,
    };
    setCheckedServer(inbound);
    return { data, inbound };
  }

  function markDirty() {
    setDirty(true);
  }

  const v = saved.values;

  return (
    <form ref={formRef} onSubmit={onSubmit} onChange={markDirty} noValidate className="space-y-6">
      {mailboxId ? (
        <input type="hidden" name="mailboxId" value={mailboxId} />
      ) : (
        <>
          <input type="hidden" name="divisionId" value={divisionId} />
          {replacesId && <input type="hidden" name="replacesId" value={replacesId} />}
        </>
      )}
      {!canEdit && <AdminsOnlyNote>{tMailboxes("onlyAdmins")}</AdminsOnlyNote>}

      {/* A save mounts the sections of typed values afresh (keyed by the save), so that they show the
          values as stored. The folders and the test stay mounted: what the server told them still holds. */}
      <fieldset disabled={!canEdit} className="space-y-6 lg:space-y-0 lg:divide-y lg:divide-zinc-200">
        <GeneralSection key={`general-${saved.version}`} values={v} fieldErrors={fieldErrors} />
        <OwnershipSection
          key={`ownership-${saved.version}`}
          values={v}
          fieldErrors={fieldErrors}
          choices={ownershipChoices}
        />
        <ServerSection
          key={`server-${saved.version}`}
          values={v}
          fieldErrors={fieldErrors}
          protocol={protocol}
          onProtocolChange={setProtocol}
          protocolLockedSince={protocolLockedSince}
          onEdit={markDirty}
        />
        <SignInSection
          key={`sign-in-${saved.version}`}
          values={v}
          fieldErrors={fieldErrors}
          hasPassword={Boolean(mailboxId) && hasPassword}
          oauth={
            connectNew && !mailboxId ? (
              <OAuthSignIn
                divisionId={divisionId}
                locale={connectNew.locale}
                providers={connectNew.providers}
                connection={null}
                connectAction={connectNew.connectAction}
                onChecked={absorbCheck}
                fields={FIELDS_OF[protocol]}
              />
            ) : (
              oauth
            )
          }
          passwordOptional={Boolean(connectNew && !mailboxId)}
          signsInWithAccount={signsInWithAccount}
        />
        <FoldersSection
          values={v}
          version={saved.version}
          fieldErrors={fieldErrors}
          protocol={protocol}
          canEdit={canEdit}
          serverFolders={serverFolders}
          checkedServer={checkedServer}
          foldersAction={foldersAction}
          createFolderAction={createFolderAction}
          startCheck={startCheck}
          onChecked={absorbCheck}
        />
        <Pop3Section key={`pop3-${saved.version}`} values={v} fieldErrors={fieldErrors} protocol={protocol} />
        <OutgoingSection
          key={`outgoing-${saved.version}`}
          values={v}
          fieldErrors={fieldErrors}
          hasSmtpPassword={Boolean(mailboxId) && hasSmtpPassword}
          onEdit={markDirty}
        />
        {canEdit && (
          <TestSection protocol={protocol} testAction={testAction} startCheck={startCheck} onChecked={absorbCheck} />
        )}
      </fieldset>

      {canEdit && (
        <SaveBar
          state={state}
          fields={FIELDS_OF[protocol]}
          dirty={dirty}
          pending={pending}
          text={{
            save: mailboxId ? t("save") : t("create"),
            saved: t("saved"),
            unsaved: t("unsaved"),
            hint: mailboxId ? t("hint") : t("hintNew"),
          }}
        />
      )}
    </form>
  );
}
