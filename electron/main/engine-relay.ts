// The relay between a window and the engine host: each window gets its own link; what the page
// sends on app:engine-send (already checked by handle()) goes to the engine, and everything the
// engine sends back goes to that window on app:engine-message. No logic beyond that.
import type { WebContents } from 'electron';
import type { EngineHost } from '../../engine/service/engine-host.ts';
import type { ServiceTransport } from '../../engine/protocol/service-client.ts';
import { ENGINE_MESSAGE_CHANNEL } from '../ipc/channel-names.ts';

export class EngineRelay {
  private readonly links = new Map<number, ServiceTransport>();

  constructor(private readonly host: EngineHost) {}

  /** The link of this window, made on its first message and closed with the window. */
  linkFor(contents: WebContents): ServiceTransport {
    let link = this.links.get(contents.id);
    if (link) return link;
    const created = this.host.connect();
    created.onMessage((message) => {
      if (!contents.isDestroyed()) contents.send(ENGINE_MESSAGE_CHANNEL, message);
    });
    contents.once('destroyed', () => {
      this.links.delete(contents.id);
      created.close();
    });
    this.links.set(contents.id, created);
    link = created;
    return link;
  }
}
