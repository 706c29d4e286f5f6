/** The page shell and its static files: public (they hold no data), revalidated by ETag. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Asset } from '../assets.js';

export function pageRoutes(app: FastifyInstance, assets: { index: Asset; files: Map<string, Asset> }): void {
  const serve = (asset: Asset, request: FastifyRequest, reply: FastifyReply) => {
    void reply.header('etag', asset.etag).header('cache-control', 'no-cache');
    if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    return reply.type(asset.type).send(asset.body);
  };

  app.get('/', async (request, reply) => serve(assets.index, request, reply));

  app.get<{ Params: { name: string } }>('/assets/:name', async (request, reply) => {
    const asset = assets.files.get(request.params.name);
    if (asset === undefined) return reply.code(404).type('text/plain; charset=utf-8').send('not found\n');
    return serve(asset, request, reply);
  });

  app.get('/favicon.ico', async (_request, reply) => reply.redirect('/assets/icon.svg', 301));
}
