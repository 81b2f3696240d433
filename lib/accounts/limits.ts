export const HOUR_MS = 60 * 60_000;

/**
 * Mails about accounts that anyone can make us send to an address (a sign-up's link, "you already
 * have an account", a password reset), per kind of request, within an hour. Enough for someone who
 * lost a mail, too few to flood anyone's inbox with.
 */
export const ACCOUNT_MAILS_PER_HOUR = 3;
