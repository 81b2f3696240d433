"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { FieldErrors, SelectField, TextField } from "@/app/_components/form";
import { FormSection } from "@/app/_components/form-section";
import { Icon } from "@/app/_components/icons";
import { defaultInboundPort } from "@/lib/mailboxes/ports";
import { PortField } from "./mailbox-form-port-field";
import { type Protocol, SECURITIES, type SectionProps, type Security, useFieldProps } from "./mailbox-form-fields";

const PROTOCOLS: Protocol[] = ["imap", "pop3"];

export function ServerSection({
  values,
  fieldErrors,
  protocol,
  onProtocolChange,
  protocolLockedSince,
  onEdit,
}: SectionProps & {
  /** Held by the form: it decides which sections show and which fields count. */
  protocol: Protocol;
  onProtocolChange: (protocol: Protocol) => void;
  /** When the first email was downloaded, formatted: from then on the protocol is fixed. */
  protocolLockedSince: string | null;
  /** For an edit the form's change event misses: a port set by "Use defaults". */
  onEdit: () => void;
}) {
  const t = useTranslations("mailboxForm");
  const tMailboxes = useTranslations("mailboxes");
  const { field, errors } = useFieldProps(fieldErrors);
  const [security, setSecurity] = useState(values.security);
  const [port, setPort] = useState(String(values.port));

  /** Switching protocol or security moves a standard port along; a port typed by hand stays. */
  function chooseServer(next: { protocol?: Protocol; security?: Security }) {
    const nextProtocol = next.protocol ?? protocol;
    const nextSecurity = next.security ?? security;
    if (port.trim() === "" || Number(port) === defaultInboundPort(protocol, security)) {
      setPort(String(defaultInboundPort(nextProtocol, nextSecurity)));
    }
    onProtocolChange(nextProtocol);
    setSecurity(nextSecurity);
  }

  function fillDefaultPort() {
    setPort(String(defaultInboundPort(protocol, security)));
    onEdit();
  }

  const locked = protocolLockedSince !== null;
  const otherProtocol = protocol === "imap" ? "pop3" : "imap";

  return (
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
          defaultValue={values.host}
          placeholder={`${protocol === "imap" ? "imap" : "pop"}.example.com`}
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
        />
      </div>
      <PortField
        name="port"
        value={port}
        onChange={setPort}
        defaultPort={defaultInboundPort(protocol, security)}
        onUseDefault={fillDefaultPort}
        errors={errors("port")}
      />
      <TextField
        {...field("connectTimeoutSeconds")}
        type="number"
        inputMode="numeric"
        min={5}
        max={300}
        defaultValue={values.connectTimeoutSeconds}
        className="max-w-40"
      />
    </FormSection>
  );
}
