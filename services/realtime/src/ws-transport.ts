// Adapts a `ws` socket to the session's Transport. Frames queued during one tick are written in one
// socket write per socket (design.md §8: batching is what makes fan-out ~5× faster than send-per-frame),
// each event's frame built once for all its subscribers (wire-frame.ts), and a socket whose queue
// reaches FLUSH_AT_FRAMES is written at once, without waiting for the turn to end. One turn can
// dispatch a whole pull batch (hundreds of events): measured at 5,000 clients, one turn queued 750
// frames for every socket (3.75 million at once) and wrote nothing for about two seconds, so every
// client waited for the whole turn and the garbage collector took a fifth of the CPU.
import type { Socket } from 'node:net';
import type WebSocket from 'ws';
import type { Transport } from './context.js';
import { sharedTextFrame } from './wire-frame.js';

/** The parts of `ws` internals the transport writes through (ws 8). */
interface WsInternals {
  _socket?: Socket;
  _sender?: { _queue?: unknown[] };
}

/** About what the bare `ws` ceiling writes per socket at once (50, tools/bench): few syscalls, little held. */
const FLUSH_AT_FRAMES = 64;
const dirty = new Set<WsTransport>();
let scheduled = false;

function flushAll(): void {
  scheduled = false;
  for (const transport of dirty) transport.flush();
  dirty.clear();
}

export class WsTransport implements Transport {
  private queue: (Buffer | string)[] = [];

  constructor(
    private readonly ws: WebSocket,
    /** Told how many frames each flush wrote (the frames-sent metric). */
    private readonly onFlushed?: (frames: number) => void,
  ) {}

  send(frame: Buffer | string): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.queue.push(frame);
    if (this.queue.length >= FLUSH_AT_FRAMES) this.flush();
    dirty.add(this);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flushAll);
    }
  }

  /**
   * What the socket has not drained yet. Frames queued in the current tick don't count: a burst that
   * arrives in one tick is not a slow client; a client that has not read the previous bursts is.
   */
  bufferedBytes(): number {
    return this.ws.bufferedAmount;
  }

  flush(): void {
    if (this.queue.length === 0) return;
    const frames = this.queue;
    this.queue = [];
    if (this.ws.readyState !== this.ws.OPEN) return;
    const { _socket: socket, _sender: sender } = this.ws as unknown as WsInternals;
    if (socket && sender?._queue?.length === 0) {
      // Nothing of ws's own waits to be written (no compression, no Blob sends here), so frames built
      // once per event go straight to the socket, all of this flush in one write.
      socket.write(
        frames.length === 1 ? sharedTextFrame(frames[0]!) : Buffer.concat(frames.map(sharedTextFrame)),
      );
    } else {
      // `_socket` is ws's underlying net.Socket; corking it batches the frames into few syscalls.
      socket?.cork();
      for (const frame of frames) this.ws.send(frame, { binary: false });
      socket?.uncork();
    }
    this.onFlushed?.(frames.length);
  }

  ping(): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.ping();
  }

  close(code: number, reason: string): void {
    this.flush();
    dirty.delete(this);
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.ws.close(code, reason);
    // A client that stopped reading never completes the closing handshake: don't wait for it forever.
    setTimeout(() => this.ws.terminate(), 2_000).unref();
  }
}
