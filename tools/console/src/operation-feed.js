// Keeps one operation's state current for its view: REST for the snapshot, then either the live
// `operation:<id>:progress` topic from its first event (so the log is whole) or, for an API key, polling.
import { useEffect, useState } from 'preact/hooks';
import { LiveTopic } from './realtime.js';

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);
const ENDING_EVENTS = new Set(['operation_completed', 'operation_failed', 'operation_cancelled']);
const POLL_MS = 1_000;

const clock = (iso) => (iso ? new Date(iso).toLocaleTimeString() : '');

/** A log line from a live event. */
function entryFromEvent(event) {
  const d = event.data ?? {};
  return {
    key: `e${event.seq}`,
    seq: event.seq,
    event: event.event,
    progress: typeof d.progress === 'number' ? d.progress : undefined,
    stage: d.current_stage ?? null,
    message: d.message ?? event.event.replaceAll('_', ' '),
    lines: Array.isArray(d.logs) ? d.logs.map(String) : [],
    time: clock(event.timestamp),
  };
}

/** A log line from GET /operations/{id}/logs (no seq: these are not events). */
const entryFromLog = (log, i) => ({
  key: `l${i}`,
  event: log.level,
  stage: log.stage,
  message: log.message,
  lines: [],
  time: clock(log.timestamp),
});

const INITIAL = {
  op: undefined,
  error: undefined,
  entries: [],
  progress: 0,
  stage: null,
  live: undefined,
  mode: undefined,
};

export function useOperationFeed({ api, credential, wsUrl, id }) {
  const [state, setState] = useState(INITIAL);
  useEffect(() => {
    setState(INITIAL);
    const update = (change) =>
      setState((s) => ({ ...s, ...(typeof change === 'function' ? change(s) : change) }));
    return startFeed({ api, credential, wsUrl, id, update });
  }, [api, credential, wsUrl, id]);
  return state;
}

/** Starts following; returns the function that stops it (the view closed). */
function startFeed({ api, credential, wsUrl, id, update }) {
  const feed = { stopped: false, newest: 0, lastStage: null, topic: undefined, timer: undefined };
  const fail = (error) => !feed.stopped && update({ error });
  const refresh = async () => {
    const { data } = await api.get(`/operations/${id}`);
    // Answers may arrive out of order: never let an older version of the operation win.
    if (feed.stopped || data.version < feed.newest) return data;
    feed.newest = data.version;
    update((s) => ({
      op: data,
      progress: TERMINAL.has(data.status) ? data.progress : Math.max(s.progress, data.progress),
    }));
    return data;
  };
  const showRestLogs = async () => {
    const { data } = await api.get(`/operations/${id}/logs?per_page=200`);
    if (!feed.stopped) update({ entries: data.map(entryFromLog) });
  };
  const poll = async () => {
    const data = await refresh();
    await showRestLogs();
    if (!feed.stopped && !TERMINAL.has(data.status))
      feed.timer = setTimeout(() => poll().catch(fail), POLL_MS);
  };
  (async () => {
    const data = await refresh();
    if (feed.stopped) return;
    if (TERMINAL.has(data.status)) return showRestLogs();
    if (credential.kind === 'token' && wsUrl)
      return follow({ feed, wsUrl, token: credential.value, id, update, refresh, fail });
    update({ mode: 'poll' });
    return poll();
  })().catch(fail);
  return () => {
    feed.stopped = true;
    clearTimeout(feed.timer);
    feed.topic?.close();
  };
}

/** The live path: every event of the topic from the first, once each, across reconnects. */
function follow({ feed, wsUrl, token, id, update, refresh, fail }) {
  update({ mode: 'live' });
  const onEvent = (event) => {
    if (feed.stopped) return;
    const entry = entryFromEvent(event);
    update((s) => ({ entries: [...s.entries, entry], progress: entry.progress ?? s.progress }));
    // A new stage: the stages' statuses come from the operation itself, fetched again.
    if (entry.stage && entry.stage !== feed.lastStage) {
      feed.lastStage = entry.stage;
      update({ stage: entry.stage });
      refresh().catch(fail);
    }
    if (ENDING_EVENTS.has(event.event)) {
      feed.topic.close();
      refresh().catch(fail);
    }
  };
  feed.topic = new LiveTopic({
    url: wsUrl,
    token,
    topic: `operation:${id}:progress`,
    since: 0, // from the operation's first event: the log shows all of it
    onStatus: (live) => !feed.stopped && update({ live }),
    onGap: () => refresh().catch(fail),
    onEvent,
  }).start();
}
