import { type Dovecot, startDovecot } from "./dovecot";
import { type OAuthProvider, type OAuthProviderOptions, startOAuthProvider } from "./oauth-provider";
import { trustMailServer } from "./poll-fixtures";
import { type SmtpSink, startSmtpSink } from "./smtp-sink";

export interface OAuthMailStack {
  provider: OAuthProvider;
  /** Checks XOAUTH2 and OAUTHBEARER tokens by introspection at `provider`. */
  dovecot: Dovecot;
  /** The same, for SMTP. */
  sink: SmtpSink;
  /** The CA file that makes Dovecot's certificate trusted (POSTDESK_MAIL_CA_FILE). */
  caFile: string;
  stop(): Promise<void>;
}

/**
 * A real authorization server with Dovecot and an SMTP server that check its tokens, as Gmail and
 * Microsoft 365 check theirs; configured in this process as an operator configures a self-hosted
 * provider (README, POSTDESK_OAUTH_OIDC_*), so the poller and the sender find it.
 */
export async function startOAuthMailStack(options: OAuthProviderOptions = {}): Promise<OAuthMailStack> {
  const provider = await startOAuthProvider(options);
  const [dovecot, sink] = await Promise.all([
    startDovecot({ oauth2: provider.introspection }),
    startSmtpSink({ oauth2: provider.introspection }),
  ]);
  const caFile = trustMailServer(dovecot);
  process.env.POSTDESK_OAUTH_OIDC_ISSUER = provider.issuer;
  process.env.POSTDESK_OAUTH_OIDC_CLIENT_ID = provider.clientId;
  process.env.POSTDESK_OAUTH_OIDC_CLIENT_SECRET = provider.clientSecret;
  return {
    provider,
    dovecot,
    sink,
    caFile,
    stop: async () => {
      await Promise.all([dovecot.stop(), sink.stop(), provider.stop()]);
    },
  };
}
