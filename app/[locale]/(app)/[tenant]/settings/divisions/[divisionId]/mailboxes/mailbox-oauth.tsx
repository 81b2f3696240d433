"use client";

import { useTranslations } from "next-intl";
import { startTransition, useActionState, useState } from "react";
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
  needsReconnect: boolean;
  mayReconnect: boolean;
}

/**
 * The sign-in section's "Connect with …" part: how the mailbox is connected, an alert when access was
 * withdrawn, and a button per configured provider. Not a form of its own: it sits inside the
 * mailbox form, and sends only its own fields.
 */
export function OAuthSignIn({
  mailboxId,
  divisionId,
  locale,
  providers,
  connection,
  connectAction,
}: {
  mailboxId: string;
  divisionId: string;
  locale: string;
  providers: { id: OAuthProviderId; name: string }[];
  connection: OAuthConnectionView | null;
  connectAction: (previous: ActionState, input: FormData) => Promise<ActionState>;
}) {
  const t = useTranslations("mailboxes.oauth");
  const [state, connect, pending] = useActionState(connectAction, {});
  const [sharedAddress, setSharedAddress] = useState("");
  const mayConnect = !connection || connection.mayReconnect;

  function start(provider: OAuthProviderId) {
    const data = new FormData();
    data.set("mailboxId", mailboxId);
    data.set("divisionId", divisionId);
    data.set("locale", locale);
    data.set("provider", provider);
    if (provider === "microsoft") data.set("sharedAddress", sharedAddress.trim());
    startTransition(() => connect(data));
  }

  return (
    <div className="space-y-4" data-testid="oauth-sign-in">
      {connection && <ConnectionStatus connection={connection} />}
      {mayConnect && providers.length > 0 && (
        <>
          {!connection && <p className="text-sm leading-6 text-zinc-600">{t("intro")}</p>}
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
                {connection ? t("reconnect", { provider: provider.name }) : t("connect", { provider: provider.name })}
              </Button>
            ))}
          </div>
          <FormAlert state={state} fields={["sharedAddress"]} />
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
