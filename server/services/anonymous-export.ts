// What an export names in an anonymous workshop (issue 16): in `everyone` the board, the report
// and the snapshots a facilitator downloads name nobody (each participant is their pseudonym);
// in `peers` and `named` the facilitator's exports keep the names. Only the JSON formats carry
// names at all (the report and the table count people, they never name them).
import { pseudonym } from '../../shared/anonymity.js';
import type { BoardExport } from '../../shared/export.js';
import type { LiveWorkshop } from './workshops.js';

export function exportAsReadable(board: BoardExport, live: LiveWorkshop): BoardExport {
  if ((live.record.anonymity ?? 'named') !== 'everyone') return board;
  const language = live.record.language;
  return {
    ...board,
    participants: board.participants.map((p, index) => {
      // Someone removed since the snapshot has no ordinal any more: numbered after everyone.
      const ordinal = live.participants.get(p.id)?.ordinal ?? live.participants.size + index;
      return { ...p, name: pseudonym(ordinal, language) };
    }),
  };
}
