"use client";

import { useTranslations } from "next-intl";
import { startTransition, useActionState, useEffect, useState } from "react";
import { Button } from "@/app/_components/button";
import { TextField } from "@/app/_components/form";
import { FormSection } from "@/app/_components/form-section";
import { Icon } from "@/app/_components/icons";
import type { ActionState } from "@/lib/auth/action";
import { ConnectionOutcome, type TestedServer } from "./connection-outcome";
import type { MailboxFormValues } from "./form-values";
import { FIELDS_OF, type Protocol, type SectionProps, useFieldProps } from "./mailbox-form-fields";
import type { CheckOutcome } from "@/lib/mailboxes/connection-check";

type FormAction<R> = (previous: ActionState<R>, input: FormData) => Promise<ActionState<R>>;
type FolderNames = Record<"folder" | "processedFolder" | "unprocessedFolder", string>;

function folderNamesOf(values: MailboxFormValues): FolderNames {
  return {
    folder: values.folder,
    processedFolder: values.processedFolder ?? "",
    unprocessedFolder: values.unprocessedFolder ?? "",
  };
}

/** IMAP names the inbox INBOX in any case (RFC 3501 §5.1); other folder names are exact. */
function isOnServer(folders: string[], name: string): boolean {
  return name.toUpperCase() === "INBOX" ? folders.some((folder) => folder.toUpperCase() === "INBOX") : folders.includes(name);
}

/**
 * The IMAP folders, checked against the server's list. Mounted whatever the protocol, and not
 * remounted by a save: the names typed outlive a switch to POP3 and back, and what the server said
 * outlives both.
 */
export function FoldersSection({
  values,
  version,
  fieldErrors,
  protocol,
  canEdit,
  serverFolders,
  checkedServer,
  foldersAction,
  createFolderAction,
  startCheck,
  onChecked,
}: SectionProps & {
  /** Counts the saves: typed names give way to the stored ones after each. */
  version: number;
  protocol: Protocol;
  canEdit: boolean;
  /** The server's folders, once loaded by a test, "Load folders" or a created folder. */
  serverFolders: string[] | null;
  /** The server as typed when the last check started, for the hints of its outcome. */
  checkedServer: TestedServer | null;
  foldersAction: FormAction<CheckOutcome>;
  createFolderAction: FormAction<CheckOutcome>;
  startCheck: () => { data: FormData };
  onChecked: (checked: ActionState<unknown>, result: CheckOutcome | undefined) => void;
}) {
  const t = useTranslations("mailboxForm");
  const { field } = useFieldProps(fieldErrors);
  const [folderState, loadFolders, loadingFolders] = useActionState(foldersAction, {});
  const [createState, createFolder, creatingFolder] = useActionState(createFolderAction, {});
  const [typed, setTyped] = useState<{ version: number; names: FolderNames } | null>(null);
  const [createdFolder, setCreatedFolder] = useState<string | null>(null);

  useEffect(() => onChecked(folderState, folderState.result), [folderState, onChecked]);
  useEffect(() => onChecked(createState, createState.result), [createState, onChecked]);

  if (protocol !== "imap") return null;
  const names = typed?.version === version ? typed.names : folderNamesOf(values);

  function rename(name: keyof FolderNames, value: string) {
    setTyped({ version, names: { ...names, [name]: value } });
  }

  function loadServerFolders() {
    const { data } = startCheck();
    startTransition(() => loadFolders(data));
  }

  function createServerFolder(name: string) {
    const { data } = startCheck();
    data.set("folderToCreate", name);
    setCreatedFolder(name);
    startTransition(() => createFolder(data));
  }

  /** Below a processed or unprocessed folder that the server lacks: offer to create it there. */
  function missingFolderPrompt(name: "processedFolder" | "unprocessedFolder") {
    const value = names[name].trim();
    if (!serverFolders || !value || isOnServer(serverFolders, value)) return null;
    return (
      <div role="status" className="flex flex-wrap items-center justify-between gap-3 rounded-lg bg-amber-50 px-3 py-2.5 text-sm text-amber-900 ring-1 ring-amber-200 ring-inset">
        <p className="flex items-center gap-2">
          <Icon name="folderPlus" className="size-5 shrink-0 text-amber-600" />
          {t("folders.createPrompt", { folder: value })}
        </p>
        <Button variant="secondary" size="sm" pending={creatingFolder} onClick={() => createServerFolder(value)}>
          {t("folders.create")}
        </Button>
      </div>
    );
  }

  return (
    <FormSection title={t("sections.imap.title")} description={t("sections.imap.description")}>
      <datalist id="server-folders">
        {serverFolders?.map((folder) => <option key={folder} value={folder} />)}
      </datalist>
      {canEdit && (
        <div className="flex flex-wrap items-center gap-3">
          <Button variant="secondary" onClick={loadServerFolders} pending={loadingFolders}>
            {!loadingFolders && <Icon name="refresh" className="size-4" />}
            {t("folders.load")}
          </Button>
          {serverFolders && (
            <p role="status" className="text-sm text-zinc-600">
              {t("folders.loaded", { count: serverFolders.length })}
            </p>
          )}
        </div>
      )}
      {checkedServer && (folderState.error || folderState.result?.ok === false) && (
        <ConnectionOutcome state={folderState} server={checkedServer} fields={FIELDS_OF.imap} />
      )}
      <TextField
        {...field("folder")}
        list="server-folders"
        value={names.folder}
        onChange={(event) => rename("folder", event.target.value)}
        autoComplete="off"
      />
      {serverFolders && names.folder.trim() && !isOnServer(serverFolders, names.folder.trim()) && (
        <p role="status" className="-mt-4 flex items-center gap-1.5 text-sm text-amber-800">
          <Icon name="alert" className="size-4 shrink-0" />
          {t("folders.missing", { folder: names.folder.trim() })}
        </p>
      )}
      {(["processedFolder", "unprocessedFolder"] as const).map((name) => (
        <div key={name} className="space-y-2">
          <TextField
            {...field(name)}
            list="server-folders"
            value={names[name]}
            onChange={(event) => rename(name, event.target.value)}
            placeholder={t("folders.none")}
            autoComplete="off"
          />
          {missingFolderPrompt(name)}
        </div>
      ))}
      {createState.ok && createState.result?.ok && createdFolder && (
        <p role="status" className="flex items-center gap-2 text-sm text-emerald-700">
          <Icon name="checkCircle" className="size-5" />
          {t("folders.created", { folder: createdFolder })}
        </p>
      )}
      {checkedServer && (createState.error || createState.result?.ok === false) && (
        <ConnectionOutcome state={createState} server={checkedServer} fields={FIELDS_OF.imap} />
      )}
    </FormSection>
  );
}
