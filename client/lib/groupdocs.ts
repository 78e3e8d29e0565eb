// The console's read-only view of every group's document, opened with the facilitator key. A
// workshop's groups are set when it is created and never change, so the documents are opened
// once, when the console mounts, and closed together when it goes.
import { groupDocName } from '../../shared/ids.js';
import { createLiveDoc, type LiveDoc } from './groupdoc.svelte.js';

export interface GroupDocs {
  get(groupId: string): LiveDoc | undefined;
  destroy(): void;
}

export function openGroupDocs(options: {
  workshopId: string;
  groupIds: string[];
  token: string;
  onUnauthorized: () => void;
}): GroupDocs {
  const docs = new Map(
    options.groupIds.map((id): [string, LiveDoc] => [
      id,
      createLiveDoc({
        workshopId: options.workshopId,
        docName: groupDocName(id),
        token: options.token,
        user: null,
        onUnauthorized: options.onUnauthorized,
      }),
    ]),
  );
  return {
    get: (groupId) => docs.get(groupId),
    destroy() {
      for (const doc of docs.values()) doc.destroy();
      docs.clear();
    },
  };
}
