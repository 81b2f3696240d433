import type { SendErrorCode } from "@/lib/outbox/send-error";

/** Every code the sender writes; a new one fails to compile here until `outbox.errors.*` explains it. */
const SEND_ERROR_CODES: Record<SendErrorCode, true> = {
  temporary: true,
  rejected: true,
  hostNotFound: true,
  addressRefused: true,
  connectionRefused: true,
  timeout: true,
  connectionLost: true,
  oauthNotConnected: true,
  oauthRevoked: true,
  oauthUnavailable: true,
  oauthMisconfigured: true,
  tlsFailed: true,
  loginFailed: true,
  protocolError: true,
  noMailbox: true,
  noSmtp: true,
  gaveUp: true,
  unsubscribed: true,
};

/**
 * An outbox row's stored error code as one the messages explain (`outbox.errors.*`); a code from a
 * newer sender reads as "other", with the raw error beside it.
 */
export function sendErrorOf(code: string): SendErrorCode | "other" {
  return Object.hasOwn(SEND_ERROR_CODES, code) ? (code as SendErrorCode) : "other";
}
