// The only way the main process answers IPC: `handle(channel, fn)` registers an ipcMain handler
// that rejects messages from frames other than our renderer and payloads that fail the channel's
// zod schema, before `fn` runs (style.md convention 14).
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import type { AppChannel, ChannelRequest, ChannelResult } from './channel-names.ts';
import { channelRequestSchemas } from './channels.ts';
import { isTrustedSenderUrl } from './trusted-sender.ts';

export type ChannelHandler<C extends AppChannel> = (payload: ChannelRequest<C>, event: IpcMainInvokeEvent) => ChannelResult<C> | Promise<ChannelResult<C>>;

export function handle<C extends AppChannel>(channel: C, rendererUrl: string, fn: ChannelHandler<C>): void {
  const schema = channelRequestSchemas[channel];
  ipcMain.handle(channel, async (event, payload: unknown) => {
    if (!isTrustedSenderUrl(event.senderFrame?.url, rendererUrl)) {
      throw new Error(`IPC ${channel}: rejected a message from an untrusted frame`);
    }
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      throw new Error(`IPC ${channel}: invalid payload: ${parsed.error.message}`);
    }
    return fn(parsed.data as ChannelRequest<C>, event);
  });
}
