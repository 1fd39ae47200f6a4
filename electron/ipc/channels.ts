// Zod schemas for every IPC channel's request: the main process parses each payload with these
// before a handler sees it. One entry per channel in channel-names.ts, checked by the type below.
import { z } from 'zod';
import { zClientMessage } from '../../engine/protocol/service-protocol.ts';
import type { AppChannel, ChannelRequest } from './channel-names.ts';

export const zAppVersionRequest = z.undefined();

/** The window may offer a title, a default path and extension filters; nothing executable. */
export const zFileDialogRequest = z
  .object({
    title: z.string().max(200).optional(),
    defaultPath: z.string().max(4096).optional(),
    filters: z
      .array(
        z.object({
          name: z.string().max(100),
          extensions: z.array(z.string().regex(/^(\*|[A-Za-z0-9]{1,16})$/, 'an extension without the dot, or *')).max(20),
        }),
      )
      .max(20)
      .optional(),
  })
  .strict();

export const channelRequestSchemas = {
  'app:version': zAppVersionRequest,
  // Only the envelope is checked here; the engine checks params against the method's schema.
  'app:engine-send': zClientMessage,
  'app:open-file': zFileDialogRequest,
  'app:save-file': zFileDialogRequest,
  'app:add-recent-document': z.object({ path: z.string().min(1).max(4096) }).strict(),
  // The renderer keeps 10; a few more are tolerated, a flood is not.
  'app:set-recent-files': z.object({ paths: z.array(z.string().min(1).max(4096)).max(20) }).strict(),
} satisfies { [C in AppChannel]: z.ZodType<ChannelRequest<C>> };
