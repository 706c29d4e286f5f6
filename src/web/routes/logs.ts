/**
 * The owner's log view: the last lines the daemon logged (GET /api/logs?lines=200&level=warn), one
 * readable line per record as `tillbox logs` prints it, member ids and phone numbers masked; and
 * the log level switch (GET/POST /api/log-level), live in both processes until the next restart
 * (the settings view saves log.level to the file).
 */
import type { FastifyInstance } from 'fastify';
import { formatLogLine, LEVELS, type LevelName } from '../../log-format.js';
import type { WebContext } from '../context.js';

/** Where the lines come from: the analytics process's ring and the tap's, merged by time. */
export interface LogSource {
  /** pino JSON lines, oldest first, at most n. */
  lines(n: number): string[];
  level(): string;
  setLevel(level: LevelName): void;
}

const NAMES = Object.keys(LEVELS) as LevelName[];

export function logRoutes(app: FastifyInstance, ctx: WebContext, source: LogSource): void {
  app.get<{ Querystring: { lines: number; level?: LevelName } }>(
    '/api/logs',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { lines: { type: 'integer', minimum: 1, maximum: 2000, default: 200 }, level: { type: 'string', enum: NAMES } },
        },
      },
    },
    async (request) => {
      const min = request.query.level === undefined ? 0 : LEVELS[request.query.level];
      // The filter runs over the whole ring, then the last n that pass are sent.
      const out: { level: string; text: string }[] = [];
      for (const raw of source.lines(5000)) {
        const text = formatLogLine(raw, min);
        if (text === null) continue;
        out.push({ level: levelOf(raw), text });
      }
      return { level: source.level(), lines: out.slice(-request.query.lines) };
    },
  );

  app.get('/api/log-level', async () => ({ level: source.level(), levels: NAMES }));

  app.post<{ Body: { level: LevelName } }>(
    '/api/log-level',
    { schema: { body: { type: 'object', required: ['level'], additionalProperties: false, properties: { level: { type: 'string', enum: NAMES } } } } },
    async (request) => {
      source.setLevel(request.body.level);
      ctx.log.warn({ logLevel: request.body.level, ip: request.ip }, 'owner switched the log level from the page (until restart)');
      return { level: source.level() };
    },
  );
}

/** The level name of a pino line ('other' for a line that is not pino JSON). */
function levelOf(raw: string): string {
  const m = /"level":(\d+)/.exec(raw);
  const n = m === null ? NaN : Number(m[1]);
  return NAMES.find((k) => LEVELS[k] === n) ?? 'other';
}
