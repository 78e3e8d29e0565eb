// What the coordinator and the load-generator processes say to each other.
import type { HistogramData } from './histogram.js';
import type { QuietSlots } from './procstat.js';

export type ServerKind = 'atelier' | 'relay' | 'hocuspocus';

export interface ClientSpec {
  /** Index of the client in the whole scenario. */
  id: number;
  role: 'participant' | 'facilitator';
  /** Participant token or facilitator key (Atelier), registered token (Hocuspocus), null (relay). */
  token: string | null;
  /** Indexes into SetupPayload.docNames of the documents this client keeps open. */
  docs: number[];
  /** The document this client types into, if it types. */
  writeDoc?: number;
  /** Which recommendation of writeDoc it types into (index in id order). */
  recIndex?: number;
  /** Opens a Socket.IO connection too (Atelier only). */
  socket: boolean;
  groupId?: string;
}

export interface SetupPayload {
  kind: ServerKind;
  baseUrl: string;
  workshopId: string;
  docNames: string[];
  clients: ClientSpec[];
  connectDeadlineMs: number;
  /** Participants in the workshop: sockets wait for a workshop:state showing them all online. */
  participants: number;
}

export interface SetupResult {
  yjsConnectMs: number;
  socketConnectMs: number;
  /** workshop:state messages received by this worker's sockets during the connect phase. */
  stateMessages: number;
  /** Socket.IO bytes received by this worker's sockets during the connect phase. */
  socketBytes: number;
  /** From the first socket connect until every socket saw everyone online. */
  presenceSettledMs: number;
}

export interface SeedPayload {
  /** clientId → per document: recommendations (group docs) or items (plenary) to create. */
  seeds: {
    clientId: number;
    doc: number;
    recommendations?: { id: string; title: string; body: string }[];
    items?: { id: string; title: string; body: string; sources: string[] }[];
  }[];
}

export interface BarrierPayload {
  /** doc index → number of entries (recommendations + items) every replica must see. */
  expected: Record<number, number>;
  deadlineMs: number;
}

export interface TypePayload {
  /** Edits per second per typing participant. */
  rate: number;
  /** Epoch ms at which typing starts (same for every worker) and how long it lasts. */
  startAt: number;
  durationMs: number;
}

export interface SendLog {
  doc: Uint32Array;
  client: Uint32Array;
  clock: Uint32Array;
  /** Writer's clock when it made the edit: performance.timeOrigin + performance.now(), ms. */
  at: Float64Array;
}

export interface TypeResult {
  edits: number;
  sends: SendLog;
  /** Final (clientID → clock) of each document this worker's replicas wrote to. */
  written: { doc: number; client: number; clock: number }[];
  loop: LoopStats;
  cpuCores: number;
}

export interface LoopStats {
  p50: number;
  p99: number;
  max: number;
}

export interface DrainPayload {
  /** doc index → clientID → clock every replica of that document must reach. */
  target: Record<number, Record<number, number>>;
  deadlineMs: number;
}

export interface ScorePayload {
  log: SendLog;
  /** Background load during the window: edits that flew through a busy slot are set apart. */
  quiet: QuietSlots | null;
  quietLimitCores: number;
}

export interface ScoreResult {
  participants: HistogramData;
  facilitator: HistogramData;
  /** Participants and facilitator, only edits whose send-to-arrival span was quiet. */
  quiet: HistogramData;
  /** Deliveries expected from the send log that never arrived. */
  missing: number;
  delivered: number;
  /** doc index → distinct content hashes among this worker's replicas of it. */
  hashes: Record<number, string[]>;
}

export interface VotePayload {
  /** groupId → the vote targets (`<groupId>/<recId>` or `plenary/<itemId>`) its members use. */
  targets: Record<string, string[]>;
  votesEach: number;
  startAt: number;
  /** Each voter starts at a random moment within this window after startAt… */
  spreadMs: number;
  /** …and clicks its dots this far apart (0: all at once, without waiting for acks). */
  gapMs: number;
  deadlineMs: number;
}

export interface VoteResult {
  acks: HistogramData;
  /** Each answered vote: when it was cast and when its ack came (epoch ms, shared clock). */
  sentAt: Float64Array;
  ackedAt: Float64Array;
  ok: number;
  refused: Record<string, number>;
  lost: number;
}
