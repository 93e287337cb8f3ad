// The request/reply envelope between the edge and backend services over NATS.
import Type, { type Static } from 'typebox';
import { Principal } from './auth.js';
import { Pagination } from './envelope.js';
import { ErrorBody } from './errors.js';

export const RpcRequest = Type.Object({
  principal: Principal,
  params: Type.Record(Type.String(), Type.String()),
  query: Type.Record(Type.String(), Type.Unknown()),
  body: Type.Optional(Type.Unknown()),
  /** The permission the edge checked (with `{type}` resolved); backends check it per object's team. */
  permission: Type.Optional(Type.String()),
  /** The `If-Match` header, unquoted: the version the client last read. */
  if_match: Type.Optional(Type.String()),
});
export type RpcRequest = Static<typeof RpcRequest>;

export const RpcSuccess = Type.Object({
  ok: Type.Literal(true),
  status: Type.Union([Type.Literal(200), Type.Literal(201), Type.Literal(202)]),
  data: Type.Unknown(),
  pagination: Type.Optional(Pagination),
  /** The version of the object returned, sent back to the client as an `ETag`. */
  etag: Type.Optional(Type.String()),
});
export type RpcSuccess = Static<typeof RpcSuccess>;

export const RpcFailure = Type.Object({ ok: Type.Literal(false), error: ErrorBody });
export type RpcFailure = Static<typeof RpcFailure>;

export const RpcReply = Type.Union([RpcSuccess, RpcFailure]);
export type RpcReply = Static<typeof RpcReply>;
