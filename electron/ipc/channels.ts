// Zod schemas for every IPC channel's request: the main process parses each payload with these
// before a handler sees it. One entry per channel in channel-names.ts, checked by the type below.
import { z } from 'zod';
import type { AppChannel, ChannelRequest } from './channel-names.ts';

export const zAppVersionRequest = z.undefined();

export const channelRequestSchemas = {
  'app:version': zAppVersionRequest,
} satisfies { [C in AppChannel]: z.ZodType<ChannelRequest<C>> };
