// The REST envelopes of spec §3.3, exactly.
import Type, { type Static, type TSchema } from 'typebox';
import { ErrorBody } from './errors.js';

export const API_VERSION = 'v1';

export const Meta = Type.Object({
  request_id: Type.String(),
  timestamp: Type.String({ format: 'date-time' }),
  api_version: Type.Literal(API_VERSION),
});
export type Meta = Static<typeof Meta>;

export const Pagination = Type.Object({
  page: Type.Integer({ minimum: 1 }),
  per_page: Type.Integer({ minimum: 1 }),
  total: Type.Integer({ minimum: 0 }),
  total_pages: Type.Integer({ minimum: 0 }),
});
export type Pagination = Static<typeof Pagination>;

export const DEFAULT_PER_PAGE = 50;
export const MAX_PER_PAGE = 200;

export const PageQuery = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
  per_page: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PER_PAGE, default: DEFAULT_PER_PAGE })),
};

export const SuccessEnvelope = <T extends TSchema>(data: T) =>
  Type.Object({
    success: Type.Literal(true),
    data,
    meta: Meta,
    pagination: Type.Optional(Pagination),
  });

export const ErrorEnvelope = Type.Object({
  success: Type.Literal(false),
  error: ErrorBody,
  meta: Type.Intersect([Meta, Type.Record(Type.String(), Type.Unknown())]),
});
export type ErrorEnvelope = Static<typeof ErrorEnvelope>;

/** Slices one page out of a full list; the pagination block reports the whole. */
export function paginate<T>(items: readonly T[], page = 1, perPage = DEFAULT_PER_PAGE) {
  const total = items.length;
  const start = (page - 1) * perPage;
  return {
    items: items.slice(start, start + perPage),
    pagination: {
      page,
      per_page: perPage,
      total,
      total_pages: Math.ceil(total / perPage),
    } satisfies Pagination,
  };
}
