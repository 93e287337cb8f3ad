// A private tmux server (its own socket name) running one command in a detached session of a known
// size, so a test can read the screen a user would see with `capture-pane`. Every wait is bounded;
// `kill()` ends the server and everything in it.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const shellQuote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

export class TmuxSession {
  private constructor(
    private readonly socket: string,
    private readonly env: Record<string, string>,
  ) {}

  /** Runs `argv`, then prints `exited <code>` and stays open so the last screen can be read. */
  static start(argv: string[], env: Record<string, string>, size = { cols: 100, rows: 24 }): TmuxSession {
    const socket = `idp-cli-${process.pid}-${Date.now()}`;
    // UTF-8, or tmux draws the bars' block characters as '_'.
    const session = new TmuxSession(socket, { ...env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' });
    const command = `${argv.map(shellQuote).join(' ')}; echo "exited $?"; sleep 600`;
    session.tmux([
      'new-session',
      '-d',
      '-s',
      'main',
      '-x',
      String(size.cols),
      '-y',
      String(size.rows),
      command,
    ]);
    return session;
  }

  private tmux(args: string[]): string {
    return execFileSync('tmux', ['-u', '-L', this.socket, ...args], {
      env: this.env,
      encoding: 'utf8',
      timeout: 10_000,
    });
  }

  /** The visible screen; with `escapes`, its colours as ANSI sequences. */
  capture(escapes = false): string {
    return this.tmux(['capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', 'main']);
  }

  async waitFor(test: (screen: string) => boolean, timeoutMs: number, what: string): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let screen = '';
    while (Date.now() < deadline) {
      screen = this.capture();
      if (test(screen)) return screen;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`tmux: no ${what} within ${timeoutMs} ms; the screen:\n${screen}`);
  }

  /** Ends the server and removes its socket file (tmux leaves it behind). */
  kill(): void {
    try {
      const socketPath = this.tmux(['display-message', '-p', '#{socket_path}']).trim();
      this.tmux(['kill-server']);
      if (socketPath) rmSync(socketPath, { force: true });
    } catch {
      // Already gone.
    }
  }
}
