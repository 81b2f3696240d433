"use client";

import { useTranslations } from "next-intl";
import { startTransition, useActionState, useEffect, useState } from "react";
import { Button } from "@/app/_components/button";
import { CheckboxField, errorsFor, FieldErrors, SelectField, TextField } from "@/app/_components/form";
import { FormSection } from "@/app/_components/form-section";
import { Icon } from "@/app/_components/icons";
import { SaveBar } from "@/app/_components/save-bar";
import { useActionForm } from "@/app/_components/use-action-form";
import type { ActionState } from "@/lib/auth/action";
import type { FieldErrors as FieldErrorMap } from "@/lib/errors";
import { useRouter } from "@/lib/i18n/navigation";
import type { MailServerTestResult } from "@/lib/mail/mail-server-test";
import type { MailboxConnectionTestResult } from "@/lib/mailboxes/connection-check";
import { defaultInboundPort, defaultSmtpPort } from "@/lib/mailboxes/ports";
import { AdminsOnlyNote } from "../admins-only-note";
import { ConnectionOutcome, ConnectionTestOutcome, type TestedServer } from "./connection-outcome";
import type { MailboxFormValues } from "./form-values";

type FormAction<R> = (previous: ActionState<R>, input: FormData) => Promise<ActionState<R>>;
type Protocol = MailboxFormValues["protocol"];
type Security = MailboxFormValues["security"];

const PROTOCOLS: Protocol[] = ["imap", "pop3"];
const SECURITIES: Security[] = ["tls", "starttls", "none"];

type Field = keyof MailboxFormValues | "password" | "smtpPassword";
const COMMON_FIELDS: Field[] = [
  "name",
  "address",
  "active",
  "protocol",
  "security",
  "host",
  "port",
  "connectTimeoutSeconds",
  "username",
  "password",
  "smtpHost",
  "smtpSecurity",
  "smtpPort",
  "smtpTimeoutSeconds",
  "smtpAuthRequired",
  "smtpSameCredentials",
  "smtpUsername",
  "smtpPassword",
  "smtpDisplayName",
  "smtpReplyTo",
];
const FIELDS_OF: Record<Protocol, Field[]> = {
  imap: [...COMMON_FIELDS, "folder", "processedFolder", "unprocessedFolder"],
  pop3: [...COMMON_FIELDS, "pop3LeaveCopy", "pop3RemoveAfterDays", "pop3RemoveWhenDeleted"],
};

/** IMAP names the inbox INBOX in any case (RFC 3501 §5.1); other folder names are exact. */
function isOnServer(folders: string[], name: string): boolean {
  return name.toUpperCase() === "INBOX" ? folders.some((folder) => folder.toUpperCase() === "INBOX") : folders.includes(name);
}

function foldersOf(result: MailServerTestResult | undefined): string[] | undefined {
  return result?.ok ? result.folders : undefined;
}

export function MailboxForm({
  divisionId,
  mailboxId,
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
}: {
  divisionId: string;
  /** Set when editing a saved mailbox; absent for a new one. */
  mailboxId?: string;
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
  foldersAction: FormAction<MailServerTestResult>;
  createFolderAction: FormAction<MailServerTestResult>;
  /** Where a new mailbox's form goes once it is saved. */
  listHref: string;
}) {
  const t = useTranslations("mailboxForm");
  const tMailboxes = useTranslations("mailboxes");
  const router = useRouter();
  const { state, pending, onSubmit, formRef } = useActionForm(saveAction);
  const [testState, runTest, testing] = useActionState(testAction, {});
  const [folderState, loadFolders, loadingFolders] = useActionState(foldersAction, {});
  const [createState, createFolder, creatingFolder] = useActionState(createFolderAction, {});

  const [saved, setSaved] = useState({ values: initial, version: 0 });
  const v = saved.values;
  const [dirty, setDirty] = useState(false);
  const [protocol, setProtocol] = useState(v.protocol);
  const [security, setSecurity] = useState(v.security);
  const [port, setPort] = useState(String(v.port));
  const [leaveCopy, setLeaveCopy] = useState(v.pop3LeaveCopy);
  const [smtpSecurity, setSmtpSecurity] = useState(v.smtpSecurity);
  const [smtpPort, setSmtpPort] = useState(String(v.smtpPort));
  const [smtpAuthRequired, setSmtpAuthRequired] = useState(v.smtpAuthRequired);
  const [smtpSameCredentials, setSmtpSameCredentials] = useState(v.smtpSameCredentials);
  const [folderNames, setFolderNames] = useState({
    folder: v.folder,
    processedFolder: v.processedFolder ?? "",
    unprocessedFolder: v.unprocessedFolder ?? "",
  });
  /** The server's folders, once loaded by a test, "Load folders" or a created folder. */
  const [serverFolders, setServerFolders] = useState<string[] | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrorMap | undefined>();
  /** The server as typed when the last check started, for the hints of its outcome. */
  const [checkedServer, setCheckedServer] = useState<TestedServer | null>(null);
  /** The servers as typed when the last "Test connection" started; outbound null without SMTP server. */
  const [testedServers, setTestedServers] = useState<{ inbound: TestedServer; outbound: TestedServer | null } | null>(null);
  const [createdFolder, setCreatedFolder] = useState<string | null>(null);

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
    setSecurity(values.security);
    setPort(String(values.port));
    setLeaveCopy(values.pop3LeaveCopy);
    setSmtpSecurity(values.smtpSecurity);
    setSmtpPort(String(values.smtpPort));
    setSmtpAuthRequired(values.smtpAuthRequired);
    setSmtpSameCredentials(values.smtpSameCredentials);
    setFolderNames({
      folder: values.folder,
      processedFolder: values.processedFolder ?? "",
      unprocessedFolder: values.unprocessedFolder ?? "",
    });
    setFieldErrors(undefined);
    setDirty(false);
  }, [state, mailboxId, listHref, router]);

  // The connection checks validate the same fields as a save: their complaints show next to them
  // too, and whichever check got the server's folders last offers them.
  function absorb(checked: ActionState<unknown>, folders: string[] | undefined) {
    if (checked.error) setFieldErrors(checked.fieldErrors);
    if (checked.ok) setFieldErrors(undefined);
    if (checked.ok && folders) setServerFolders(folders);
  }
  useEffect(() => absorb(testState, foldersOf(testState.result?.inbound)), [testState]);
  useEffect(() => absorb(folderState, foldersOf(folderState.result)), [folderState]);
  useEffect(() => absorb(createState, foldersOf(createState.result)), [createState]);

  const errors = (name: Field) => errorsFor(fieldErrors, name);
  /** What every field shares: its name as id, its label, help line and errors. */
  const field = (name: Exclude<Field, "password" | "smtpPassword">) => ({
    id: name,
    name,
    label: t(`fields.${name}.label`),
    help: t(`fields.${name}.help`),
    errors: errors(name),
  });

  /** The form's current values for a connection check, remembering which server they name. */
  function checkData(): { data: FormData; inbound: TestedServer } {
    const data = new FormData(formRef.current ?? undefined);
    const inbound: TestedServer = {
      protocol,
      host: String(data.get("host") ?? "").trim(),
      port: Number(port) || defaultInboundPort(protocol, security),
      seconds: Number(data.get("connectTimeoutSeconds")) || 30,
    };
    setCheckedServer(inbound);
    return { data, inbound };
  }

  function changed() {
    setDirty(true);
  }

  /** Switching protocol or security moves a standard port along; a port typed by hand stays. */
  function chooseServer(next: { protocol?: Protocol; security?: Security }) {
    const nextProtocol = next.protocol ?? protocol;
    const nextSecurity = next.security ?? security;
    if (port.trim() === "" || Number(port) === defaultInboundPort(protocol, security)) {
      setPort(String(defaultInboundPort(nextProtocol, nextSecurity)));
    }
    setProtocol(nextProtocol);
    setSecurity(nextSecurity);
  }

  function fillDefaultPort() {
    setPort(String(defaultInboundPort(protocol, security)));
    changed();
  }

  /** The same for the SMTP server: its port follows its security unless typed by hand. */
  function chooseSmtpSecurity(next: Security) {
    if (smtpPort.trim() === "" || Number(smtpPort) === defaultSmtpPort(smtpSecurity)) {
      setSmtpPort(String(defaultSmtpPort(next)));
    }
    setSmtpSecurity(next);
  }

  function fillDefaultSmtpPort() {
    setSmtpPort(String(defaultSmtpPort(smtpSecurity)));
    changed();
  }

  function testConnection() {
    const { data, inbound } = checkData();
    const smtpHost = String(data.get("smtpHost") ?? "").trim();
    setTestedServers({
      inbound,
      outbound: smtpHost
        ? {
            protocol: "smtp",
            host: smtpHost,
            port: Number(smtpPort) || defaultSmtpPort(smtpSecurity),
            seconds: Number(data.get("smtpTimeoutSeconds")) || 30,
            signsIn: smtpAuthRequired,
          }
        : null,
    });
    startTransition(() => runTest(data));
  }

  function loadServerFolders() {
    const { data } = checkData();
    startTransition(() => loadFolders(data));
  }

  function createServerFolder(name: string) {
    const { data } = checkData();
    data.set("folderToCreate", name);
    setCreatedFolder(name);
    startTransition(() => createFolder(data));
  }

  const locked = protocolLockedSince !== null;
  const otherProtocol = protocol === "imap" ? "pop3" : "imap";

  /** Below a processed or unprocessed folder that the server lacks: offer to create it there. */
  function missingFolderPrompt(name: "processedFolder" | "unprocessedFolder") {
    const value = folderNames[name].trim();
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
    <form ref={formRef} onSubmit={onSubmit} onChange={changed} noValidate className="space-y-6">
      {mailboxId ? (
        <input type="hidden" name="mailboxId" value={mailboxId} />
      ) : (
        <input type="hidden" name="divisionId" value={divisionId} />
      )}
      {!canEdit && <AdminsOnlyNote>{tMailboxes("onlyAdmins")}</AdminsOnlyNote>}

      <fieldset key={saved.version} disabled={!canEdit} className="space-y-6 lg:space-y-0 lg:divide-y lg:divide-zinc-200">
        <FormSection title={t("sections.general.title")} description={t("sections.general.description")}>
          <div className="grid gap-5 sm:grid-cols-2">
            <TextField {...field("name")} defaultValue={v.name} placeholder={t("fields.name.placeholder")} />
            <TextField
              {...field("address")}
              type="email"
              autoComplete="off"
              defaultValue={v.address}
              placeholder={t("fields.address.placeholder")}
            />
          </div>
          <CheckboxField {...field("active")} defaultChecked={v.active} />
        </FormSection>

        <FormSection title={t("sections.server.title")} description={t("sections.server.description")}>
          <fieldset className="space-y-2" aria-describedby="protocol-help">
            <legend className="text-sm font-medium text-zinc-800">{t("fields.protocol.label")}</legend>
            <div className="grid gap-3 sm:grid-cols-2">
              {PROTOCOLS.map((choice) => (
                <label
                  key={choice}
                  className={`flex items-start gap-3 rounded-lg p-3 ring-1 ring-inset ${
                    protocol === choice ? "bg-brand-50/60 ring-brand-300" : "ring-zinc-200"
                  } ${locked ? "cursor-not-allowed opacity-70" : "cursor-pointer hover:bg-zinc-50"}`}
                >
                  <input
                    type="radio"
                    name="protocol"
                    value={choice}
                    checked={protocol === choice}
                    onChange={() => chooseServer({ protocol: choice })}
                    disabled={locked}
                    className="mt-0.5 size-4 accent-brand-600"
                  />
                  <span>
                    <span className="block text-sm font-medium text-zinc-900">{tMailboxes(`protocols.${choice}`)}</span>
                    <span className="block text-xs leading-5 text-zinc-500">{t(`fields.protocol.${choice}`)}</span>
                  </span>
                </label>
              ))}
            </div>
            {/* A disabled control is not submitted: the locked protocol goes along as it is. */}
            {locked && <input type="hidden" name="protocol" value={protocol} />}
            {locked ? (
              <p id="protocol-help" role="note" className="flex items-start gap-2 text-xs leading-5 text-amber-800">
                <Icon name="lock" className="size-4 shrink-0" />
                {t("fields.protocol.locked", {
                  protocol: tMailboxes(`protocols.${protocol}`),
                  other: tMailboxes(`protocols.${otherProtocol}`),
                  since: protocolLockedSince,
                })}
              </p>
            ) : (
              <p id="protocol-help" className="text-xs leading-5 text-zinc-500">
                {t("fields.protocol.help")}
              </p>
            )}
            <FieldErrors errors={errors("protocol")} />
          </fieldset>

          <div className="grid gap-5 sm:grid-cols-2">
            <SelectField
              {...field("security")}
              value={security}
              onChange={(event) => chooseServer({ security: event.target.value as Security })}
            >
              {SECURITIES.map((choice) => (
                <option key={choice} value={choice}>
                  {tMailboxes(`securities.${choice}`)}
                </option>
              ))}
            </SelectField>
            <TextField
              {...field("host")}
              defaultValue={v.host}
              placeholder={`${protocol === "imap" ? "imap" : "pop"}.example.com`}
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
            />
          </div>
          <div className="flex flex-wrap items-start gap-3">
            <div className="w-40">
              <TextField
                id="port"
                name="port"
                label={t("fields.port.label")}
                type="number"
                inputMode="numeric"
                min={1}
                max={65535}
                value={port}
                onChange={(event) => setPort(event.target.value)}
                placeholder={String(defaultInboundPort(protocol, security))}
                aria-describedby={errors("port").length > 0 ? "port-help port-error" : "port-help"}
                errors={errors("port")}
              />
            </div>
            <Button variant="secondary" onClick={fillDefaultPort} className="mt-6.5">
              {t("fields.port.useDefaults")}
            </Button>
            <p id="port-help" className="basis-full text-xs leading-5 text-zinc-500">
              {t("fields.port.help", { port: String(defaultInboundPort(protocol, security)) })}
            </p>
          </div>
          <TextField
            {...field("connectTimeoutSeconds")}
            type="number"
            inputMode="numeric"
            min={5}
            max={300}
            defaultValue={v.connectTimeoutSeconds}
            className="max-w-40"
          />
        </FormSection>

        <FormSection title={t("sections.signIn.title")} description={t("sections.signIn.description")}>
          <TextField
            {...field("username")}
            defaultValue={v.username}
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
          />
          <TextField
            id="password"
            name="password"
            type="password"
            autoComplete="new-password"
            label={t("fields.password.label")}
            help={mailboxId && hasPassword ? t("fields.password.helpKeep") : t("fields.password.help")}
            placeholder={mailboxId && hasPassword ? t("fields.password.placeholderKeep") : undefined}
            errors={errors("password")}
          />
        </FormSection>

        {protocol === "imap" ? (
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
              <ConnectionOutcome state={folderState} server={checkedServer} fields={FIELDS_OF[protocol]} />
            )}
            <TextField
              {...field("folder")}
              list="server-folders"
              value={folderNames.folder}
              onChange={(event) => setFolderNames({ ...folderNames, folder: event.target.value })}
              autoComplete="off"
            />
            {serverFolders && folderNames.folder.trim() && !isOnServer(serverFolders, folderNames.folder.trim()) && (
              <p role="status" className="-mt-4 flex items-center gap-1.5 text-sm text-amber-800">
                <Icon name="alert" className="size-4 shrink-0" />
                {t("folders.missing", { folder: folderNames.folder.trim() })}
              </p>
            )}
            {(["processedFolder", "unprocessedFolder"] as const).map((name) => (
              <div key={name} className="space-y-2">
                <TextField
                  {...field(name)}
                  list="server-folders"
                  value={folderNames[name]}
                  onChange={(event) => setFolderNames({ ...folderNames, [name]: event.target.value })}
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
              <ConnectionOutcome state={createState} server={checkedServer} fields={FIELDS_OF[protocol]} />
            )}
          </FormSection>
        ) : (
          <FormSection title={t("sections.pop3.title")} description={t("sections.pop3.description")}>
            <fieldset className="space-y-3" aria-describedby="pop3LeaveCopy-help">
              <legend className="text-sm font-medium text-zinc-800">{t("fields.pop3LeaveCopy.label")}</legend>
              <p id="pop3LeaveCopy-help" className="-mt-2 text-xs leading-5 text-zinc-500">
                {t("fields.pop3LeaveCopy.help")}
              </p>
              {[false, true].map((keep) => (
                <label key={String(keep)} className="flex cursor-pointer items-start gap-3">
                  <input
                    type="radio"
                    name="pop3LeaveCopy"
                    value={String(keep)}
                    checked={leaveCopy === keep}
                    onChange={() => setLeaveCopy(keep)}
                    className="mt-0.5 size-4 accent-brand-600"
                  />
                  <span>
                    <span className="block text-sm font-medium text-zinc-900">
                      {t(keep ? "fields.pop3LeaveCopy.keep" : "fields.pop3LeaveCopy.delete")}
                    </span>
                    <span className="block text-xs leading-5 text-zinc-500">
                      {t(keep ? "fields.pop3LeaveCopy.keepHelp" : "fields.pop3LeaveCopy.deleteHelp")}
                    </span>
                  </span>
                </label>
              ))}
              <FieldErrors errors={errors("pop3LeaveCopy")} />
            </fieldset>
            {leaveCopy && (
              <div className="space-y-5 border-l-2 border-zinc-100 pl-4">
                <TextField
                  {...field("pop3RemoveAfterDays")}
                  type="number"
                  inputMode="numeric"
                  min={1}
                  max={3650}
                  defaultValue={v.pop3RemoveAfterDays ?? ""}
                  placeholder={t("fields.pop3RemoveAfterDays.placeholder")}
                  className="max-w-40"
                />
                <CheckboxField {...field("pop3RemoveWhenDeleted")} defaultChecked={v.pop3RemoveWhenDeleted} />
              </div>
            )}
          </FormSection>
        )}

        <FormSection title={t("sections.smtp.title")} description={t("sections.smtp.description")}>
          <div className="grid gap-5 sm:grid-cols-2">
            <TextField
              {...field("smtpHost")}
              defaultValue={v.smtpHost ?? ""}
              placeholder={t("fields.smtpHost.placeholder")}
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
            />
            <SelectField
              {...field("smtpSecurity")}
              value={smtpSecurity}
              onChange={(event) => chooseSmtpSecurity(event.target.value as Security)}
            >
              {SECURITIES.map((choice) => (
                <option key={choice} value={choice}>
                  {tMailboxes(`securities.${choice}`)}
                </option>
              ))}
            </SelectField>
          </div>
          <div className="flex flex-wrap items-start gap-3">
            <div className="w-40">
              <TextField
                id="smtpPort"
                name="smtpPort"
                label={t("fields.smtpPort.label")}
                type="number"
                inputMode="numeric"
                min={1}
                max={65535}
                value={smtpPort}
                onChange={(event) => setSmtpPort(event.target.value)}
                placeholder={String(defaultSmtpPort(smtpSecurity))}
                aria-describedby={errors("smtpPort").length > 0 ? "smtpPort-help smtpPort-error" : "smtpPort-help"}
                errors={errors("smtpPort")}
              />
            </div>
            <Button variant="secondary" onClick={fillDefaultSmtpPort} className="mt-6.5">
              {t("fields.smtpPort.useDefaults")}
            </Button>
            <p id="smtpPort-help" className="basis-full text-xs leading-5 text-zinc-500">
              {t("fields.smtpPort.help", { port: String(defaultSmtpPort(smtpSecurity)) })}
            </p>
          </div>
          <TextField
            {...field("smtpTimeoutSeconds")}
            type="number"
            inputMode="numeric"
            min={5}
            max={300}
            defaultValue={v.smtpTimeoutSeconds}
            className="max-w-40"
          />
          <CheckboxField
            {...field("smtpAuthRequired")}
            checked={smtpAuthRequired}
            onChange={(event) => setSmtpAuthRequired(event.target.checked)}
          />
          {smtpAuthRequired ? (
            <div className="space-y-5 border-l-2 border-zinc-100 pl-4">
              <CheckboxField
                {...field("smtpSameCredentials")}
                checked={smtpSameCredentials}
                onChange={(event) => setSmtpSameCredentials(event.target.checked)}
              />
              {!smtpSameCredentials && (
                <>
                  <TextField
                    {...field("smtpUsername")}
                    defaultValue={v.smtpUsername ?? ""}
                    autoComplete="off"
                    autoCapitalize="none"
                    spellCheck={false}
                  />
                  <TextField
                    id="smtpPassword"
                    name="smtpPassword"
                    type="password"
                    autoComplete="new-password"
                    label={t("fields.smtpPassword.label")}
                    help={mailboxId && hasSmtpPassword ? t("fields.smtpPassword.helpKeep") : t("fields.smtpPassword.help")}
                    placeholder={mailboxId && hasSmtpPassword ? t("fields.smtpPassword.placeholderKeep") : undefined}
                    errors={errors("smtpPassword")}
                  />
                </>
              )}
            </div>
          ) : (
            // Hidden with sign-in off, the choice is kept for when sign-in is turned back on.
            <input type="hidden" name="smtpSameCredentials" value={String(smtpSameCredentials)} />
          )}
          <div className="grid gap-5 sm:grid-cols-2">
            <TextField
              {...field("smtpDisplayName")}
              defaultValue={v.smtpDisplayName ?? ""}
              placeholder={t("fields.smtpDisplayName.placeholder")}
              autoComplete="off"
            />
            <TextField
              {...field("smtpReplyTo")}
              type="email"
              defaultValue={v.smtpReplyTo ?? ""}
              placeholder={t("fields.smtpReplyTo.placeholder")}
              autoComplete="off"
            />
          </div>
        </FormSection>

        {canEdit && (
          <FormSection title={t("sections.test.title")} description={t("sections.test.description")}>
            <Button variant="secondary" onClick={testConnection} pending={testing}>
              {!testing && <Icon name="signal" className="size-4" />}
              {t("test.run")}
            </Button>
            {testing && testedServers ? (
              <p role="status" className="text-sm text-zinc-500">
                {t("test.running", {
                  seconds: Math.max(testedServers.inbound.seconds, testedServers.outbound?.seconds ?? 0),
                })}
              </p>
            ) : (
              testedServers && (
                <ConnectionTestOutcome
                  state={testState}
                  inbound={testedServers.inbound}
                  outbound={testedServers.outbound}
                  fields={FIELDS_OF[protocol]}
                />
              )
            )}
          </FormSection>
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
