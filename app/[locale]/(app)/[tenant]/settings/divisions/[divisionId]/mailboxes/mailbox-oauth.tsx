"use client";

import { useTranslations } from "next-intl";
import { startTransition, useActionState, useEffect, useRef, useState } from "react";
import { Button } from "@/app/_components/button";
import { errorsFor, FormAlert, TextField } from "@/app/_components/form";
import { Icon } from "@/app/_components/icons";
import type { ActionState } from "@/lib/auth/action";
import type { OAuthProviderId } from "@/lib/oauth/providers";

export interface OAuthConnectionView {
  providerName: string;
  account: string | null;
  /** Formatted for the user's language. */
  connectedOn: string | null;
  connectedBy: { name: string; email: string } | null;
  /** Created to be connected and never connected: it waits, unpolled. */
  awaitingConnect: boolean;
  needsReconnect: boolean;
  mayReconnect: boolean;
}

/**
 * The sign-in section's "Connect with …" part: how the mailbox is connected, an alert when access was
 * withdrawn, and a button per configured provider. Not a form of its own: it sits inside the
 * mailbox form. For a saved mailbox it sends only its own fields; for a new one (no `mailboxId`) the
 * whole form, which the mailbox is created from, and its complaints go to the form's fields
 * (`onChecked`, with `fields` the ones shown there).
 */
export function OAuthSignIn({
  mailboxId,
  divisionId,
  locale,
  providers,
  connection,
  connectAction,
  onChecked,
  fields = [],
}: {
  mailboxId?: string;
  divisionId: string;
  locale: string;
  providers: { id: OAuthProviderId; name: string }[];
  connection: OAuthConnectionView | null;
  connectAction: (previous: ActionState, input: FormData) => Promise<ActionState>;
  onChecked?: (checked: ActionState<unknown>, result: undefined) => void;
  fields?: string[];
}) {
  const t = useTranslations("mailboxes.oauth");
  const [state, connect, pending] = useActionState(connectAction, {});
  const [sharedAddress, setSharedAddress] = useState("");
  const ownRef = useRef<HTMLDivElement>(null);
  const mayConnect = !connection || connection.mayReconnect;
  const firstConnect = !connection || connection.awaitingConnect;

  useEffect(() => onChecked?.(state, undefined), [state, onChecked]);

  function start(provider: OAuthProviderId) {
    const form = mailboxId ? null : ownRef.current?.closest("form");
    const data = new FormData(form ?? undefined);
    if (mailboxId) data.set("mailboxId", mailboxId);
    data.set("divisionId", divisionId);
    data.set("locale", locale);
    data.set("provider", provider);
    data.set("sharedAddress", provider === "microsoft" ? sharedAddress.trim() : "");
    startTransition(() => connect(data));
  }

  return (
    <div ref={ownRef} className="space-y-4" data-testid="oauth-sign-in">
      {connection && <ConnectionStatus connection={connection} />}
      {mayConnect && providers.length > 0 && (
        <>
          {!connection && <p className="text-sm leading-6 text-zinc-600">{mailboxId ? t("intro") : t("introNew")}</p>}
          {providers.some((provider) => provider.id === "microsoft") && (
            <TextField
              id="sharedAddress"
              name="sharedAddress"
              type="email"
              label={t("sharedAddress.label")}
              help={t("sharedAddress.help")}
              value={sharedAddress}
              onChange={(event) => setSharedAddress(event.target.value)}
              errors={errorsFor(state.fieldErrors, "sharedAddress")}
              autoComplete="off"
            />
          )}
          <div className="flex flex-wrap gap-3">
            {providers.map((provider) => (
              <Button key={provider.id} variant="secondary" pending={pending} onClick={() => start(provider.id)}>
                {!pending && <Icon name="link" className="size-4" />}
                {firstConnect ? t("connect", { provider: provider.name }) : t("reconnect", { provider: provider.name })}
              </Button>
            ))}
          </div>
          <FormAlert state={state} fields={["sharedAddress", ...fields]} />
        </>
      )}
    </div>
  );
}

function ConnectionStatus({ connection }: { connection: OAuthConnectionView }) {
  const t = useTranslations("mailboxes.oauth");
  const values = {
    account: connection.account ?? "—",
    provider: connection.providerName,
    date: connection.connectedOn ?? "—",
  };
  if (connection.awaitingConnect) {
    return (
      <div role="status" data-testid="oauth-not-connected" className="rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-200 ring-inset">
        <p className="flex items-start gap-2 font-semibold">
          <Icon name="alert" className="size-5 shrink-0 text-amber-600" />
          {t("notConnected.title")}
        </p>
        <p className="mt-1 pl-7 leading-6">{t("notConnected.hint", values)}</p>
      </div>
    );
  }
  return (
    <>
      <p data-testid="oauth-connected" className="flex items-start gap-2 text-sm leading-6 text-zinc-700">
        <Icon name="lock" className="mt-0.5 size-4 shrink-0 text-zinc-400" />
        {connection.connectedBy
          ? t("connected", { ...values, name: connection.connectedBy.name })
          : t("connectedByFormer", values)}
      </p>
      {connection.needsReconnect && (
        <div role="alert" data-testid="oauth-needs-reconnect" className="rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-200 ring-inset">
          <p className="flex items-start gap-2 font-semibold">
            <Icon name="alert" className="size-5 shrink-0 text-amber-600" />
            {t("needsReconnect.title")}
          </p>
          <p className="mt-1 pl-7 leading-6">
            {connection.mayReconnect || !connection.connectedBy
              ? t("needsReconnect.hintOwn", values)
              : t("needsReconnect.hintOther", connection.connectedBy)}
          </p>
        </div>
      )}
      {!connection.needsReconnect && !connection.mayReconnect && connection.connectedBy && (
        <p className="text-sm leading-6 text-zinc-500">{t("onlyConnector", connection.connectedBy)}</p>
      )}
    </>
  );
}
