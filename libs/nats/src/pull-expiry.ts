// How long each pull request of a long-lived `consume()` stays open. nats.js (3.4) recovers a consumer
// whose pull was lost in a server restart only after two missed idle heartbeats (= `expires`), and
// retries a failed consumer check after about `expires` too: with its default of 30 s, a read model or a
// live feed could stand still for half a minute after NATS came back (seen in 3 of 45 restarts of the
// platform's recovery test). 2 s costs one pull request every 2 s and a heartbeat a second per idle
// consumer.
export const PULL_EXPIRES_MS = 2_000;
