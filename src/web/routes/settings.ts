/**
 * The owner's settings view: the config file the daemon was started with, as the schema's keys
 * (GET /api/settings), and a change to it (POST /api/settings), validated as the whole file it
 * would make and written with a backup (src/config/edit.ts). Secrets are never sent: the page
 * learns only whether they are set. A saved live key (log.level) is applied at once; the rest
 * wait for a restart, and the answer says which.
 */
import type { FastifyInstance } from 'fastify';
import { readSettings, saveSettings } from '../../config/edit.js';
import { settingFields } from '../../config/fields.js';
import type { ConfigProblem, Env } from '../../config/load.js';
import { LEVELS, type LevelName } from '../../log-format.js';
import type { WebContext } from '../context.js';

export interface SettingsOptions {
  /** The config file the daemon runs with; undefined: started on built-in defaults (nothing to save to). */
  file: string | undefined;
  env: Env;
  /** Profile names the box has, to check parser.profile before it is saved (a bad one stops start-up). */
  profiles?: () => string[];
}

/** Longest value accepted for one key (paths, URLs and keys are far shorter). */
const MAX_VALUE_CHARS = 4096;

const body = {
  type: 'object',
  required: ['changes'],
  additionalProperties: false,
  properties: {
    // Values are checked below, not here: fastify's ajv coerces types, and a union would turn null
    // (remove the key) into "" or 12 into "12".
    changes: { type: 'object', maxProperties: 200 },
  },
} as const;

export function settingsRoutes(app: FastifyInstance, ctx: WebContext, opts: SettingsOptions, setLevel: ((level: LevelName) => void) | undefined): void {
  app.get('/api/settings', async () => {
    if (opts.file === undefined) return { file: null, notWritable: null, settings: settingFields().map((f) => ({ ...f, set: false })) };
    return readSettings(opts.file, opts.env);
  });

  app.post<{ Body: { changes: Record<string, unknown> } }>('/api/settings', { schema: { body } }, async (request, reply) => {
    const file = opts.file;
    if (file === undefined) return reply.code(409).send({ error: 'no_config_file' });
    const bad = Object.entries(request.body.changes).find(([, v]) => !(v === null || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v.length <= MAX_VALUE_CHARS)));
    if (bad !== undefined) return reply.code(400).send({ error: 'bad_request', message: `${bad[0]}: expected text (at most ${MAX_VALUE_CHARS} characters), a number, true/false or null` });
    const profile = request.body.changes['parser.profile'];
    const names = opts.profiles?.();
    if (typeof profile === 'string' && names !== undefined && profile !== 'auto' && profile !== 'none' && !names.includes(profile)) {
      const problem: ConfigProblem = { key: 'parser.profile', kind: 'enum', params: { allowedValues: ['auto', 'none', ...names] }, message: `parser.profile: expected auto, none or one of ${names.join(', ')}` };
      return reply.code(400).send({ error: 'invalid', problems: [problem] });
    }
    const result = saveSettings(file, request.body.changes, opts.env, ctx.now);
    if (!result.ok) {
      if ('notWritable' in result) return reply.code(409).send({ error: 'not_writable', code: result.notWritable });
      return reply.code(400).send({ error: 'invalid', problems: result.problems });
    }
    // The keys, never the values: a secret may be among them.
    ctx.log.warn({ changed: result.changed, backup: result.backup, ip: request.ip }, 'owner changed the config file from the page');
    const level = request.body.changes['log.level'];
    if (result.live.includes('log.level') && typeof level === 'string' && Object.hasOwn(LEVELS, level)) setLevel?.(level as LevelName);
    return { saved: result.changed.length > 0, backup: result.backup, changed: result.changed, live: result.live, restartNeeded: result.restartNeeded };
  });
}
