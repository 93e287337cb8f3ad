// Teams and their members (spec §3.2.4), and the user profile.
import Type, { type Static } from 'typebox';
import {
  Description,
  Id,
  Name,
  NOT_A_PROTOTYPE_KEY,
  StoredDataLimits,
  Timestamp,
  withinJsonBytes,
} from './common.js';

export const TeamMember = Type.Object({
  user_id: Type.String({ minLength: 1, maxLength: 128 }),
  role: Type.String({ minLength: 1, maxLength: 64 }),
  added_at: Timestamp,
});
export type TeamMember = Static<typeof TeamMember>;

export const Team = Type.Object({
  id: Id,
  tenant_id: Id,
  name: Name,
  description: Type.String(),
  members: Type.Array(TeamMember),
  version: Type.Integer({ minimum: 1 }),
  created_by: Type.String(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type Team = Static<typeof Team>;

export const CreateTeamBody = Type.Object(
  { name: Name, description: Type.Optional(Description) },
  { additionalProperties: false },
);
export type CreateTeamBody = Static<typeof CreateTeamBody>;

export const AddTeamMemberBody = Type.Object(
  {
    user_id: Type.String({ minLength: 1, maxLength: 128 }),
    role: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_-]{0,63}$' })),
  },
  { additionalProperties: false },
);
export type AddTeamMemberBody = Static<typeof AddTeamMemberBody>;

export const UserProfile = Type.Object({
  id: Type.String(),
  tenant_id: Id,
  display_name: Type.Union([Type.String(), Type.Null()]),
  email: Type.Union([Type.String(), Type.Null()]),
  preferences: Type.Record(Type.String(), Type.Unknown()),
  roles: Type.Array(Type.Object({ role: Type.String(), scope: Type.String() })),
  teams: Type.Array(Id),
  updated_at: Type.Union([Timestamp, Type.Null()]),
});
export type UserProfile = Static<typeof UserProfile>;

/** Replaces the stored preferences as a whole (PUT semantics: keys left out are removed). */
export const Preferences = withinJsonBytes(
  Type.Record(
    // A pattern, not maxLength: TypeBox keeps only a pattern of a record's key schema.
    Type.String({
      pattern: `^${NOT_A_PROTOTYPE_KEY}[^\\u0000-\\u001f]{1,${StoredDataLimits.preferenceKeyLength}}$`,
    }),
    Type.Unknown(),
    {
      maxProperties: StoredDataLimits.preferencesKeys,
      additionalProperties: false,
      description:
        `Replaces the stored preferences as a whole; at most ${StoredDataLimits.preferencesKeys} keys ` +
        `and ${StoredDataLimits.preferencesBytes} bytes as JSON`,
    },
  ),
  StoredDataLimits.preferencesBytes,
);

export const UpdateUserProfileBody = Type.Object(
  {
    display_name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
    preferences: Type.Optional(Preferences),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateUserProfileBody = Static<typeof UpdateUserProfileBody>;
