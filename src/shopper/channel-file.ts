/**
 * The demo channel: appends each notification as one JSON line to a local file. The file stays
 * on the box, so it carries the member id as the ledger knows it (see OutgoingNotification).
 */
import { appendFile } from 'node:fs/promises';
import type { NotificationChannel, OutgoingNotification } from './channels.js';

export function fileChannel(path: string): NotificationChannel {
  return {
    name: 'file',
    async deliver(n: OutgoingNotification): Promise<void> {
      await appendFile(path, `${JSON.stringify(n)}\n`, 'utf8');
    },
  };
}
