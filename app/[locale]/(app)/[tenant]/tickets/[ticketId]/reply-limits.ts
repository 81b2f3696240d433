/**
 * The most a reply's attachments may weigh together. Mail servers commonly refuse messages over
 * 25 MB, and base64 makes attachments a third larger on the wire: 20 MB of files stays under that.
 */
export const MAX_REPLY_ATTACHMENT_BYTES = 20 * 1024 * 1024;
