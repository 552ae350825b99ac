// Schemas of liveness (GET /api/health) and readiness (GET /api/health/ready).
import { Type, type Static } from '@sinclair/typebox';
import type { HealthResponse } from '../auth';
import type { ReadinessResponse } from '../health';
import { Same, sameType } from './common';

export const HealthResponseSchema = Type.Object(
  { status: Type.Literal('ok'), version: Type.String() },
  { additionalProperties: false },
);
sameType<Same<Static<typeof HealthResponseSchema>, HealthResponse>>(true);

export const ReadinessCheckSchema = Type.Object(
  {
    ok: Type.Boolean(),
    ms: Type.Number({ description: 'How long the check took' }),
    error: Type.Optional(Type.String({ description: 'Why it failed, briefly' })),
  },
  { additionalProperties: false },
);

export const ReadinessResponseSchema = Type.Object(
  { status: Type.Literal('ready'), checks: Type.Record(Type.String(), ReadinessCheckSchema) },
  { additionalProperties: false },
);
sameType<Same<Static<typeof ReadinessResponseSchema>, ReadinessResponse>>(true);
