// Following one operation to its end. With a token: its progress topic over /ws/v1 through the SDK's
// RealtimeClient, from seq 0 (so events published before we subscribed are replayed); a dropped
// connection is resumed by the SDK from the last seq, and the view says so. With an API key (the
// WebSocket takes tokens only) or after a gap the server could not replay: REST snapshots.
import { type ApiClient, RealtimeClient } from '@idp/client';
import type { EventMessage, Operation } from '@idp/contracts';
import type { Credential } from '../cli/connection.js';
import type { ProgressView } from '../render/progress-view.js';
import { StageBoard } from './stage-board.js';
import { watchedWebSocket } from './websocket.js';

const POLL_MS = 1_000;
/** How often the event follow checks the operation over REST, in case its end event never comes. */
const CHECK_MS = 5_000;

export interface FollowTarget {
  api: ApiClient;
  wsUrl: string;
  credential: Credential;
  view: ProgressView;
  title: string;
}

export async function followOperation(target: FollowTarget, operationId: string): Promise<Operation> {
  const get = () => target.api.operations.get<Operation>({ params: { id: operationId } });
  const board = new StageBoard((await get()).stages.map((s) => s.name));
  target.view.start(target.title, board);
  try {
    if (target.credential.kind === 'token')
      await followEvents(target, operationId, board, target.credential.token, get);
    else await followSnapshots(target, board, get);
  } finally {
    target.view.stop(board);
  }
  return get();
}

async function followEvents(
  target: FollowTarget,
  operationId: string,
  board: StageBoard,
  token: string,
  get: () => Promise<Operation>,
): Promise<void> {
  const topic = `operation:${operationId}:progress`;
  const { view } = target;
  let gap = false;
  /** Set before we close the connection ourselves: that close is no loss. */
  let finished = false;
  const realtime: RealtimeClient = new RealtimeClient({
    url: target.wsUrl,
    token,
    WebSocket: await watchedWebSocket({
      onLost: () => {
        if (!finished) view.notice(`connection lost, resuming from seq ${realtime.position(topic).seq ?? 0}`);
      },
      onReopened: () => view.notice('reconnected'),
      onUnreachable: () => view.notice(`cannot reach ${target.wsUrl} yet; retrying (--ws-url, IDP_WS_URL)`),
    }),
    // A realtime restart takes seconds: retry often and for about two minutes before giving up.
    backoff: { initialMs: 200, maxMs: 2_000, maxAttempts: 60 },
    onGap: () => {
      gap = true;
    },
  });
  const watchdog = endWatchdog(board, get, (op) => {
    view.changed(board.applyOperation(op), board);
    finished = true;
    realtime.close();
  });
  try {
    for await (const event of realtime.events(topic, { since: 0 })) {
      if (gap) {
        // The server could not replay what we missed: take the missing part from REST once.
        gap = false;
        view.notice('events were lost in between; catching up from the operation itself');
        view.changed(board.applyOperation(await get()), board);
      }
      view.changed(board.applyEvent(event as EventMessage), board);
      if (board.outcome) break;
    }
  } finally {
    clearInterval(watchdog);
    finished = true;
    realtime.close();
  }
}

/**
 * The end event is the normal way out; this only covers an end that never arrives (a stream purged
 * under us): an operation seen ended on two checks in a row ends the follow from its REST state.
 */
function endWatchdog(board: StageBoard, get: () => Promise<Operation>, end: (op: Operation) => void) {
  let endedBefore = false;
  const timer = setInterval(async () => {
    const op = await get().catch(() => undefined);
    const ended = op !== undefined && ['succeeded', 'failed', 'cancelled'].includes(op.status);
    if (ended && endedBefore && !board.outcome) end(op);
    endedBefore = ended;
  }, CHECK_MS);
  timer.unref();
  return timer;
}

async function followSnapshots(target: FollowTarget, board: StageBoard, get: () => Promise<Operation>) {
  target.view.notice('following by polling the API (the WebSocket takes tokens, not API keys)');
  while (!board.outcome) {
    target.view.changed(board.applyOperation(await get()), board);
    if (!board.outcome) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
