import type { Mailbox } from "@/db/schema";
import { usesOwnSmtpLogin } from "./settings";

/**
 * A saved password, or a connected OAuth2 account, is used only with the server and user it was
 * saved for: the host, port, security and username. A form that names another server or user must
 * bring the password again (or connect the account again); otherwise anyone who may edit a mailbox
 * could have its password sent to a server of their choosing and read it there, and a change of
 * security to "none" would send it in clear text.
 *
 * Each secret goes to a set of places: the incoming password to the incoming server, and to the
 * outgoing one when that signs in with the same credentials; the outgoing server's own password
 * to the outgoing server. A saved secret may stand in for an empty field when every place the form
 * would send it to is one it was saved for. Pure: the form's checks and the save ask it alike.
 */

export type ServerSettings = Pick<
  Mailbox,
  | "host"
  | "port"
  | "security"
  | "username"
  | "smtpHost"
  | "smtpPort"
  | "smtpSecurity"
  | "smtpAuthRequired"
  | "smtpSameCredentials"
  | "smtpUsername"
>;

export type StoredSecret = "password" | "smtpPassword";

function place(...parts: (string | number | null)[]): string {
  return JSON.stringify(parts);
}

function placesOf(secret: StoredSecret, settings: ServerSettings): string[] {
  const { smtpHost, smtpPort, smtpSecurity } = settings;
  if (secret === "smtpPassword") {
    return usesOwnSmtpLogin(settings) ? [place("smtp", smtpHost, smtpPort, smtpSecurity, settings.smtpUsername)] : [];
  }
  const incoming = place("in", settings.host, settings.port, settings.security, settings.username);
  const sharedWithSmtp = smtpHost !== null && settings.smtpAuthRequired && settings.smtpSameCredentials;
  return sharedWithSmtp ? [incoming, place("smtp", smtpHost, smtpPort, smtpSecurity, settings.username)] : [incoming];
}

/** Whether the saved `secret` of `saved` may be sent where `typed` would send it. */
export function mayReuseSecret(secret: StoredSecret, saved: ServerSettings, typed: ServerSettings): boolean {
  const allowed = new Set(placesOf(secret, saved));
  return placesOf(secret, typed).every((where) => allowed.has(where));
}

/** Settings naming only an incoming server: what the incoming server's own checks send. */
export function incomingOnly(settings: Pick<Mailbox, "host" | "port" | "security" | "username">): ServerSettings {
  return {
    ...settings,
    smtpHost: null,
    smtpPort: null,
    smtpSecurity: null,
    smtpAuthRequired: false,
    smtpSameCredentials: false,
    smtpUsername: null,
  };
}
