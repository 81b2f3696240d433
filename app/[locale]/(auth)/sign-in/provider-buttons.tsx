"use client";

import { signIn } from "next-auth/react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { Button } from "@/app/_components/button";
import type { OAuthProviderId } from "@/lib/oauth/providers";

export interface SignInProvider {
  id: OAuthProviderId;
  name: string;
}

/** "Continue with …": off to the provider, back at `returnTo` once it has said who the user is. */
export function ProviderButtons({ providers, returnTo }: { providers: SignInProvider[]; returnTo: string }) {
  const t = useTranslations("signIn");
  const [pending, setPending] = useState<OAuthProviderId | null>(null);
  return (
    <div className="space-y-3">
      {providers.map((provider) => (
        <Button
          key={provider.id}
          variant="secondary"
          className="w-full"
          pending={pending === provider.id}
          disabled={pending !== null}
          onClick={() => {
            setPending(provider.id);
            void signIn(provider.id, { callbackUrl: returnTo });
          }}
        >
          {t("withProvider", { provider: provider.name })}
        </Button>
      ))}
    </div>
  );
}
